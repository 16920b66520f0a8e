using CrmActors.Grains.MailAddOn.Store;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>
/// Keeps one stored message in flight: the flush to disk and rename of message N run on the thread pool
/// while message N+1 downloads, which hides most of the fsync cost. The callback for N runs only after
/// N's commit finished, and on the caller's context (a grain's turn), never on the thread pool.
/// </summary>
internal sealed class CommitPipeline(Func<FetchedMessage, CancellationToken, ValueTask>? onStored) : IAsyncDisposable
{
    private (IPendingMessage Pending, FetchedMessage Message, Task Commit)? _inFlight;

    public int Committed { get; private set; }

    public int HeadersOnly { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Starts committing <paramref name="message"/> once the previous one is committed and reported; a cancel from that report stops here.</summary>
    public async ValueTask StartAsync(IPendingMessage pending, FetchedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await DrainAsync(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            await pending.DisposeAsync();
            throw;
        }

        _inFlight = (pending, message, Task.Run(() => pending.CommitAsync(message.Key, cancellationToken), cancellationToken));
    }

    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (_inFlight is not { } flight)
        {
            return;
        }

        _inFlight = null;
        try
        {
            await flight.Commit;
        }
        finally
        {
            await flight.Pending.DisposeAsync();
        }

        Committed++;
        Bytes += flight.Message.StoredBytes;
        HeadersOnly += flight.Message.HeadersOnly ? 1 : 0;
        if (onStored is not null)
        {
            await onStored(flight.Message, cancellationToken);
        }
    }

    /// <summary>
    /// On failure the commit in flight is let finish but not reported: the message is then in the store
    /// without a checkpoint entry, and the next fetch downloads it again over that blob.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_inFlight is { } flight)
        {
            _inFlight = null;
            await Task.WhenAny(flight.Commit);
            await flight.Pending.DisposeAsync();
        }
    }
}
