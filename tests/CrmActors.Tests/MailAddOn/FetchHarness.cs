using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Outbound;
using CrmActors.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrmActors.Tests.MailAddOn;

/// <summary>A fetcher over a fresh blob folder, with the checkpoint a grain would persist.</summary>
public sealed class FetchHarness : IDisposable
{
    private readonly TempDirectory _folder = new();

    public FetchHarness(Pop3FetchOptions? options = null, bool allowPrivateNetworks = true, bool durable = true)
    {
        Store = new MailFolderStore(_folder.Path, durable);
        Fetcher = new MailboxFetcher(new OutboundTargets(allowPrivateNetworks), Store, options ?? new Pop3FetchOptions(), NullLogger<MailboxFetcher>.Instance);
    }

    public MailFolderStore Store { get; }

    public MailboxFetcher Fetcher { get; }

    public HashSet<MessageKey> Checkpoint { get; } = [];

    public List<FetchedMessage> Reported { get; } = [];

    /// <summary>Fetches like a grain would: each stored message extends the checkpoint.</summary>
    public Task<MailboxFetchResult> FetchAsync(Pop3Mailbox mailbox, Action<FetchedMessage>? afterEach = null, CancellationToken cancellationToken = default) =>
        Fetcher.FetchAsync(mailbox, Checkpoint.ToHashSet(), (message, _) =>
        {
            Checkpoint.Add(message.Key);
            Reported.Add(message);
            afterEach?.Invoke(message);
            return ValueTask.CompletedTask;
        }, cancellationToken);

    public async Task<List<MessageKey>> StoredKeysAsync(string mailbox)
    {
        var keys = new List<MessageKey>();
        await foreach (var key in Store.ListAsync(mailbox, CancellationToken.None))
        {
            keys.Add(key);
        }

        return keys;
    }

    public void Dispose() => _folder.Dispose();
}
