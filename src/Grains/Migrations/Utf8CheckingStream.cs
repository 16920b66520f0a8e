using System.Buffers;
using System.Text;
using System.Text.Unicode;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A read-only pass-through that refuses bytes which are not UTF-8 as they stream by, naming the
/// file and the line (counted by LF bytes), which a decoder's buffered exception cannot tell.
/// A sequence split across two reads is carried over and checked with the next read.
/// </summary>
public sealed class Utf8CheckingStream(Stream inner, string fileName) : ReadThroughStream(inner)
{
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;
    private long _line = 1;

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        Check(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read]);
        return read;
    }

    private void Check(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            if (_carryLength > 0)
            {
                throw Invalid();
            }

            return;
        }

        var start = 0;
        while (_carryLength > 0 && start < data.Length)
        {
            // Finish the sequence the previous read cut off, one byte at a time (at most 3).
            _carry[_carryLength++] = data[start++];
            var status = Rune.DecodeFromUtf8(_carry.AsSpan(0, _carryLength), out _, out _);
            if (status == OperationStatus.Done)
            {
                _carryLength = 0;
            }
            else if (status != OperationStatus.NeedMoreData || _carryLength == 4)
            {
                throw Invalid();
            }
        }

        var rest = data[start..];
        if (Utf8.IsValid(rest))
        {
            _line += rest.Count((byte)'\n');
            return;
        }

        var at = 0;
        while (at < rest.Length)
        {
            var status = Rune.DecodeFromUtf8(rest[at..], out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                at += consumed;
                continue;
            }

            _line += rest[..at].Count((byte)'\n');
            if (status == OperationStatus.NeedMoreData)
            {
                rest[at..].CopyTo(_carry);
                _carryLength = rest.Length - at;
                return;
            }

            throw Invalid();
        }
    }

    private ProblemException Invalid() => ProblemException.BadRequest(MigrationProblemCodes.InvalidEncoding,
        $"{fileName} is not UTF-8: line {_line} holds bytes that are not valid UTF-8; export or save the file as UTF-8 (\"CSV UTF-8\") and upload it again.");
}
