using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace CrmActors.Grains.MailAddOn.Store;

/// <summary>
/// <see cref="IMailMessageStore"/> on a directory (a local blob folder or a cluster-shared mount):
/// <c>root/{mailbox}/{key}.eml</c>. A message is written to <c>root/{mailbox}/.partial/</c>, flushed to
/// disk when <paramref name="durable"/>, then renamed into place — a rename within one file system is atomic.
/// A caller that checkpoints in batches passes <c>durable: false</c> and calls <see cref="FlushToDiskAsync"/>
/// once per batch, before it records the batch: one durable point per checkpoint, not one per message.
/// </summary>
public sealed partial class MailFolderStore(string root, bool durable = true) : IMailMessageStore
{
    private const string PartialFolder = ".partial";
    private const int FlushParallelism = 16;

    private readonly bool _durable = durable;

    public string Root { get; } = Path.GetFullPath(root);

    public Task<IPendingMessage> BeginAsync(string mailbox, CancellationToken cancellationToken)
    {
        var partial = Directory.CreateDirectory(Path.Combine(FolderOf(mailbox), PartialFolder)).FullName;
        var path = Path.Combine(partial, Guid.NewGuid().ToString("N") + ".part");
        // Unbuffered (bufferSize 0): the fetcher writes 64 KB chunks, and a per-message buffer would be garbage.
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        return Task.FromResult<IPendingMessage>(new PendingFile(this, mailbox, path, stream));
    }

    public Task<Stream> OpenReadAsync(string mailbox, MessageKey key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(mailbox, key), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous));

    public async IAsyncEnumerable<MessageKey> ListAsync(string mailbox, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = FolderOf(mailbox);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.eml"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return MessageKey.FromFileName(file);
        }

        await Task.CompletedTask;
    }

    public string PathOf(string mailbox, MessageKey key) => Path.Combine(FolderOf(mailbox), key.FileName);

    /// <summary>
    /// Makes committed messages durable: each file's bytes, then the folder (their renames). The fsyncs run
    /// side by side so the file system can merge them, on threads of their own: blocked on the thread pool, they
    /// would hold back the continuations of the fetch that runs meanwhile. A key whose file is gone (its message
    /// was dropped meanwhile) needs nothing.
    /// </summary>
    public async Task FlushToDiskAsync(string mailbox, IReadOnlyCollection<MessageKey> keys, CancellationToken cancellationToken)
    {
        var folder = FolderOf(mailbox);
        var files = new ConcurrentQueue<MessageKey>(keys);
        await Task.WhenAll(Enumerable.Range(0, Math.Clamp(keys.Count, 1, FlushParallelism)).Select(_ => OnOwnThread(() =>
        {
            while (files.TryDequeue(out var key))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    // Write access, because FileStream only asks the OS to flush a stream it may write.
                    using var file = new FileStream(Path.Combine(folder, key.FileName), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0);
                    file.Flush(flushToDisk: true);
                }
                catch (FileNotFoundException)
                {
                }
            }
        }, cancellationToken)));
        await OnOwnThread(() => FolderSync.Flush(folder), cancellationToken);
    }

    private static Task OnOwnThread(Action work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The mailbox ID becomes a folder name, so it may not climb out of the root.</summary>
    private string FolderOf(string mailbox) =>
        MailboxId().IsMatch(mailbox)
            ? Path.Combine(Root, mailbox)
            : throw new ArgumentException("A mailbox ID is 1 to 128 letters, digits, '-', '_' or '.', not starting with '.'.", nameof(mailbox));

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex MailboxId();

    private sealed class PendingFile(MailFolderStore store, string mailbox, string path, FileStream stream) : IPendingMessage
    {
        private bool _committed;

        public Stream Content => stream;

        public async Task CommitAsync(MessageKey key, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            if (store._durable)
            {
                stream.Flush(flushToDisk: true);
            }

            await stream.DisposeAsync();
            File.Move(path, store.PathOf(mailbox, key), overwrite: true);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed)
            {
                File.Delete(path);
            }
        }
    }
}
