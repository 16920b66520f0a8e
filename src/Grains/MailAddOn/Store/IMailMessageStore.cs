namespace CrmActors.Grains.MailAddOn.Store;

/// <summary>
/// Where raw messages are kept, one blob per (mailbox, key). A write is all or nothing: the bytes go to
/// a pending blob and only <see cref="IPendingMessage.CommitAsync"/> makes them visible under their key,
/// so a crash mid-message leaves no half message under a key. A message counts as stored only once its
/// row commits (the backup's checkpoint); a blob without one is downloaded again over it.
/// </summary>
public interface IMailMessageStore
{
    /// <summary>Starts a write whose key may be known only at the end (the SHA-256 fallback). Disposing without commit discards it.</summary>
    Task<IPendingMessage> BeginAsync(string mailbox, CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string mailbox, MessageKey key, CancellationToken cancellationToken);

    IAsyncEnumerable<MessageKey> ListAsync(string mailbox, CancellationToken cancellationToken);
}

public interface IPendingMessage : IAsyncDisposable
{
    /// <summary>The stream to write the message's bytes to.</summary>
    Stream Content { get; }

    /// <summary>Makes the written bytes the blob of <paramref name="key"/>; an existing blob of that key is replaced (same message, same bytes).</summary>
    Task CommitAsync(MessageKey key, CancellationToken cancellationToken);
}
