using CrmActors.Grains.MailAddOn.Store;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>
/// A message now in the store, passed to the progress callback: the caller adds <see cref="Key"/> to its
/// checkpoint and may parse and link the blob.
/// </summary>
public sealed record FetchedMessage(MessageKey Key, int Position, long ServerSize, long StoredBytes, bool HeadersOnly)
{
    /// <summary>How many messages the server listed, so a caller can report progress as <see cref="Position"/> of it.</summary>
    public int OnServer { get; init; }
}

/// <summary>
/// What one fetch did. <see cref="ServerKeys"/> are the keys of every message on the server, in server
/// order, so "new since the last backup" can be computed without another connection. <see cref="Refused"/> messages
/// the server would not send (RETR answered -ERR) were left for the next fetch.
/// </summary>
public sealed record MailboxFetchResult(
    int OnServer,
    int Fetched,
    int Skipped,
    int HeadersOnly,
    long BytesFetched,
    bool ServerHasUidl,
    IReadOnlyList<MessageKey> ServerKeys,
    int Refused = 0);
