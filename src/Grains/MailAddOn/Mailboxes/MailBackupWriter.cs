using System.Diagnostics;
using System.Threading.Channels;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.MailAddOn.Parsing;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.Logging;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>
/// Parses, links and writes the messages a fetch stored, on a task of its own, so the next messages download
/// meanwhile; a batch's flush to disk and transaction run while the next batch is parsed. The fetch does not
/// fsync each blob: a batch's blobs are flushed together just before its rows commit, and the rows are the
/// checkpoint, so a message whose row did not commit is downloaded again by the next attempt (over whatever a
/// crash left of its blob) and the queue needs no durability. A write that fails (a later attempt took the
/// run over) cancels <see cref="Token"/>, which stops the fetch.
/// </summary>
internal sealed class MailBackupWriter : IAsyncDisposable
{
    private static readonly TimeSpan LiveCountsInterval = TimeSpan.FromSeconds(2);

    private readonly Channel<FetchedMessage> _queue = Channel.CreateBounded<FetchedMessage>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
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
    private readonly ILogger _logger;
    private readonly Task _consumer;
    private readonly PhaseTimes _times = new();
    private Task _flushing = Task.CompletedTask;
    private volatile bool _failed;
    private int _onServer;

    private readonly Func<Task<bool>> _userActive;

    /// <param name="userActive">Asked before each batch is written: a user reactivated mid-backup stops it (the next attempt ends it as failed).</param>
    public MailBackupWriter(
        RunContext run, MailArchive archive, MailFolderStore store, MailBackupRow row, MailAccountType accountType, string blobRoot, MailAddOnOptions options,
        TimeProvider clock, ILogger logger, Func<Task<bool>> userActive)
    {
        (_run, _archive, _store, _row, _accountType, _blobRoot, _options, _clock, _logger) = (run, archive, store, row, accountType, blobRoot, options, clock, logger);
        _userActive = userActive;
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
        var batch = new List<ArchivedMail>();
        var written = 0;
        try
        {
            var waiting = Stopwatch.StartNew();
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                _times.Waiting += waiting.Elapsed;
                while (_queue.Reader.TryRead(out var message))
                {
                    _onServer = message.OnServer;
                    var parsing = Stopwatch.StartNew();
                    batch.Add(Archived(message));
                    _times.Parsing += parsing.Elapsed;
                    if (batch.Count >= Math.Max(1, _options.BatchSize))
                    {
                        await StartFlushAsync(batch);
                        written += batch.Count;
                        batch = [];
                    }

                    await _run.ReportProgressAsync(message.OnServer == 0 ? 0 : (message.Position + 1.0) / message.OnServer);
                }

                waiting.Restart();
            }

            await StartFlushAsync(batch);
            await _flushing;
            written += batch.Count;
            _logger.LogInformation(
                "Mail backup {BackupId} wrote {Messages} messages: {Waiting:0.0} s waiting for the fetch, {Parsing:0.0} s parsing, {Syncing:0.0} s flushing blobs to disk, {Rows:0.0} s writing rows",
                _row.BackupId, written, _times.Waiting.TotalSeconds, _times.Parsing.TotalSeconds, _times.Syncing.TotalSeconds, _times.Rows.TotalSeconds);
        }
        catch
        {
            _failed = true;
            await _stop.CancelAsync();
            await Task.WhenAny(_flushing);
            throw;
        }
    }

    /// <summary>Waits for the batch before (rows commit in order, one batch in flight), then starts this one's.</summary>
    private async Task StartFlushAsync(List<ArchivedMail> batch)
    {
        await _flushing;
        _flushing = batch.Count == 0 ? Task.CompletedTask : Task.Run(() => FlushAsync(batch));
    }

    private ArchivedMail Archived(FetchedMessage message)
    {
        var (orgId, userId, key) = (_row.OrgId, _row.UserId, message.Key.Value);
        var path = _store.PathOf(userId, message.Key);
        var (messageId, summary, addresses) = MailParser.SummarizeFile(ArchivedMail.EmailId(orgId, userId, key), path, _stop.Token);
        return new ArchivedMail(orgId, userId, key, _row.BackupId, Path.GetRelativePath(_blobRoot, path).Replace('\\', '/'), messageId,
            summary, addresses, message.StoredBytes, message.HeadersOnly || message.ServerSize > _options.MaxMessageBytes);
    }

    private async Task FlushAsync(List<ArchivedMail> batch)
    {
        if (await _userActive())
        {
            throw new ProblemException(409, MailProblems.UserActive, "The user was reactivated during the backup; it stops, and ends as failed.");
        }

        // The rows say the blobs are stored, so the blobs are on disk before the rows commit.
        var syncing = Stopwatch.StartNew();
        await _store.FlushToDiskAsync(_row.UserId, [.. batch.Select(m => MessageKey.Parse(m.MessageKey))], _stop.Token);
        _times.Syncing += syncing.Elapsed;

        var rows = Stopwatch.StartNew();
        foreach (var dropped in await _archive.WriteAsync(_run, batch, linked => MailLinks.Keeps(_accountType, linked), _clock.GetUtcNow()))
        {
            File.Delete(_store.PathOf(_row.UserId, MessageKey.Parse(dropped.MessageKey)));
        }

        if (_sinceCounts.Elapsed >= LiveCountsInterval)
        {
            // The dashboard's counts while the backup runs.
            await _archive.SaveBackupAsync(_row with { Counts = await _archive.CountAsync(_row.OrgId, _row.BackupId, _onServer, 0, 0) }, _clock.GetUtcNow());
            _sinceCounts.Restart();
        }

        _times.Rows += rows.Elapsed;
    }

    /// <summary>Where a backup's time went, for the log line at its end (the flush overlaps the parsing).</summary>
    private sealed class PhaseTimes
    {
        public TimeSpan Waiting { get; set; }

        public TimeSpan Parsing { get; set; }

        public TimeSpan Syncing { get; set; }

        public TimeSpan Rows { get; set; }
    }
}
