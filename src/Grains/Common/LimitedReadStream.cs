namespace CrmActors.Grains.Common;

/// <summary>
/// Reads through to another stream and fails the read that goes past <paramref name="limit"/> bytes, with the
/// caller's exception (a request body over its endpoint's limit, a ZIP entry longer than its header declares).
/// </summary>
public sealed class LimitedReadStream(Stream inner, long limit, Func<Exception> exceeded) : ReadThroughStream(inner)
{
    private long _read;

    public override long Length => Inner.CanSeek ? Inner.Length : throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => Count(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await Inner.ReadAsync(buffer, cancellationToken));

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw exceeded() : read;
    }
}
