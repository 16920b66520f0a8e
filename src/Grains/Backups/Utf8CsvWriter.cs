using System.Buffers;
using System.Text;

namespace CrmActors.Grains.Backups;

/// <summary>
/// CSV rows written straight as UTF-8 bytes into a growing buffer: RFC 4180, CRLF line ends, and a cell quoted
/// (its quotes doubled) when it holds a quote, comma, CR or LF, or starts or ends with a space — as CsvHelper
/// quotes. A backup writes every row through it; cells that are already UTF-8 (stored JSON) are never turned
/// into strings.
/// </summary>
public sealed class Utf8CsvWriter
{
    private static readonly SearchValues<byte> Special = SearchValues.Create(",\"\r\n"u8);
    private byte[] _buffer = new byte[4096];
    private bool _inRow;

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

    public void Clear() => (Length, _inRow) = (0, false);

    /// <summary>An empty cell.</summary>
    public void Empty()
    {
        Reserve(1);
        Separator();
    }

    /// <summary>A cell from UTF-8 bytes, after one apostrophe when <paramref name="apostrophe"/> (formula neutralization).</summary>
    public void Cell(ReadOnlySpan<byte> value, bool apostrophe = false)
    {
        Reserve((2 * value.Length) + 4);
        Separator();
        var quoted = value.ContainsAny(Special) || (value.Length > 0 && (value[^1] == ' ' || (value[0] == ' ' && !apostrophe)));
        if (quoted)
        {
            _buffer[Length++] = (byte)'"';
        }

        if (apostrophe)
        {
            _buffer[Length++] = (byte)'\'';
        }

        if (!quoted)
        {
            value.CopyTo(_buffer.AsSpan(Length));
            Length += value.Length;
            return;
        }

        while (true)
        {
            var at = value.IndexOf((byte)'"');
            var run = at < 0 ? value : value[..(at + 1)];
            run.CopyTo(_buffer.AsSpan(Length));
            Length += run.Length;
            if (at < 0)
            {
                break;
            }

            _buffer[Length++] = (byte)'"';
            value = value[(at + 1)..];
        }

        _buffer[Length++] = (byte)'"';
    }

    /// <summary>A cell from text (null or empty: an empty cell).</summary>
    public void Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Empty();
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        var length = Encoding.UTF8.GetBytes(value, rented);
        Cell(rented.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(rented);
    }

    public void EndRow()
    {
        Reserve(2);
        _buffer[Length++] = (byte)'\r';
        _buffer[Length++] = (byte)'\n';
        _inRow = false;
    }

    private void Separator()
    {
        if (_inRow)
        {
            _buffer[Length++] = (byte)',';
        }

        _inRow = true;
    }

    private void Reserve(int bytes)
    {
        if (Length + bytes + 1 > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes + 1));
        }
    }
}
