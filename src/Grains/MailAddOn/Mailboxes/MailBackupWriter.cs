using System.Diagnostics;
using System.Threading.Channels;
using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.MailAddOn.Parsing;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Runs;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>
/// Parses, links and writes the messages a fetch stored, on a task of its own, so the next messages download
/// meanwhile. A message in the store but not yet written when the silo dies is reported again by the next
/// fetch (<see cref="FetchedMessage.WasInStore"/>), so the queue needs no durability. A write that fails
/// (a later attempt took the run over) cancels <see cref="Token"/>, which stops the fetch.
/// </summary>
internal sealed class MailBackupWriter : IAsyncDisposable
{
    private static readonly TimeSpan LiveCountsInterval = TimeSpan.FromSeconds(2);

    private readonly Channel<FetchedMessage> _queue = Channel.CreateBounded<FetchedMessage>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
    private readonly List<ArchivedMail> _batch = [];
    private readonly Stopwatch _sinceCounts = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop;
    private readonly RunContext _run;
    private readonly MailArchive _archive;
    private readonly MailFolderStore _store;
    private readonly MailBackupRow _row;
    private readonly MailAccountType _accountType;
    private readonly string _blobRoot;
    private readonly MailAddOnOptions _options;
    private readonly TimeProvider _clock;
    private readonly Task _consumer;
    private volatile bool _failed;
    private int _onServer;

    public MailBackupWriter(RunContext run, MailArchive archive, MailFolderStore store, MailBackupRow row, MailAccountType accountType, string blobRoot, MailAddOnOptions options, TimeProvider clock)
    {
        (_run, _archive, _store, _row, _accountType, _blobRoot, _options, _clock) = (run, archive, store, row, accountType, blobRoot, options, clock);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(run.CancellationToken);
        _consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>The fetch's token: cancelled when the run stops or a write failed.</summary>
    public CancellationToken Token => _stop.Token;

    public bool Failed => _failed;

    public ValueTask EnqueueAsync(FetchedMessage message, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(message, cancellationToken);

    /// <summary>Writes what is queued; throws the write's failure if one stopped it.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _consumer;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await Task.WhenAny(_consumer);
        _stop.Dispose();
    }

    private async Task ConsumeAsync()
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                _onServer = message.OnServer;
                _batch.Add(await ArchivedAsync(message));
                if (_batch.Count >= Math.Max(1, _options.BatchSize))
                {
                    await FlushAsync();
                }

                await _run.ReportProgressAsync(message.OnServer == 0 ? 0 : (message.Position + 1.0) / message.OnServer);
            }

            await FlushAsync();
        }
        catch
        {
            _failed = true;
            await _stop.CancelAsync();
            throw;
        }
    }

    private async Task<ArchivedMail> ArchivedAsync(FetchedMessage message)
    {
        var (orgId, userId, key) = (_row.OrgId, _row.UserId, message.Key.Value);
        var path = _store.PathOf(userId, message.Key);
        var mail = await MailParser.ParseFileAsync(path, _stop.Token);
        return new ArchivedMail(orgId, userId, key, _row.BackupId, Path.GetRelativePath(_blobRoot, path).Replace('\\', '/'), mail.MessageId,
            MailParser.Summarize(ArchivedMail.EmailId(orgId, userId, key), mail), mail.LinkAddresses,
            message.WasInStore ? new FileInfo(path).Length : message.StoredBytes, message.HeadersOnly || message.ServerSize > _options.MaxMessageBytes);
    }

    private async Task FlushAsync()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        foreach (var dropped in await _archive.WriteAsync(_run, _batch, linked => MailLinks.Keeps(_accountType, linked), _clock.GetUtcNow()))
        {
            File.Delete(_store.PathOf(_row.UserId, MessageKey.Parse(dropped.MessageKey)));
        }

        _batch.Clear();
        if (_sinceCounts.Elapsed >= LiveCountsInterval)
        {
            // The dashboard's counts while the backup runs.
            await _archive.SaveBackupAsync(_row with { Counts = await _archive.CountAsync(_row.OrgId, _row.BackupId, _onServer, 0) }, _clock.GetUtcNow());
            _sinceCounts.Restart();
        }
    }
}
