using System.Buffers;
using System.Security.Cryptography;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Outbound;
using MailKit.Net.Pop3;
using Microsoft.Extensions.Logging;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>
/// Copies a POP3 mailbox into an <see cref="IMailMessageStore"/>, one message at a time, never sending
/// <c>DELE</c>. Messages whose key is in the caller's checkpoint are not downloaded again; any other is, and
/// replaces a blob of the same key (same message, same bytes). After each stored message the callback runs so
/// the caller can extend its checkpoint, and cancelling the token there stops the fetch before the next message.
/// </summary>
public sealed class MailboxFetcher(OutboundTargets targets, IMailMessageStore store, Pop3FetchOptions options, ILogger<MailboxFetcher> logger)
{
    private const int CopyBufferSize = 64 * 1024;

    public async Task<MailboxFetchResult> FetchAsync(
        Pop3Mailbox mailbox,
        IReadOnlySet<MessageKey> alreadyStored,
        Func<FetchedMessage, CancellationToken, ValueTask>? onStored,
        CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.TotalTimeout);
        var recorder = new ServerReplyRecorder();
        Pop3Client? client = null;
        try
        {
            client = await Pop3Session.OpenAsync(targets, mailbox, options, recorder, budget.Token);
            var result = await FetchMessagesAsync(client, mailbox, alreadyStored, onStored, budget.Token);
            await client.DisconnectAsync(quit: true, budget.Token);
            logger.LogInformation("Fetched {Fetched} of {OnServer} messages ({Bytes} bytes, {Skipped} already stored) from mailbox {Mailbox} on {Host}",
                result.Fetched, result.OnServer, result.BytesFetched, result.Skipped, mailbox.MailboxId, mailbox.Host);
            return result;
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Logged(new MailboxFetchException(MailboxFetchFailure.Timeout,
                $"Fetching the mailbox from {mailbox.Host}:{mailbox.Port} took longer than {options.TotalTimeout}; run it again to resume."), mailbox);
        }
        catch (Exception e) when (e is not OperationCanceledException
            && FetchFailures.Translate(e, mailbox, recorder.LastError, client?.IsConnected ?? false, loggedIn: client is not null) is { } failure)
        {
            throw Logged(failure, mailbox);
        }
        finally
        {
            client?.Dispose();
        }
    }

    private async Task<MailboxFetchResult> FetchMessagesAsync(
        Pop3Client client, Pop3Mailbox mailbox, IReadOnlySet<MessageKey> alreadyStored,
        Func<FetchedMessage, CancellationToken, ValueTask>? onStored, CancellationToken cancellationToken)
    {
        var uidls = await UidlsAsync(client, cancellationToken);
        var sizes = await client.GetMessageSizesAsync(cancellationToken);
        if (uidls is not null && uidls.Count != sizes.Count)
        {
            // UIDL and LIST disagree on how many messages there are: no UIDL can be trusted to name its message.
            uidls = null;
        }

        var serverKeys = new List<MessageKey>(sizes.Count);
        var seen = new HashSet<MessageKey>();
        var skipped = 0;
        var refused = 0;
        Pop3CommandException? lastRefusal = null;
        await using var pipeline = new CommitPipeline(onStored);

        for (var i = 0; i < sizes.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MessageKey? key = uidls is null ? null : MessageKey.FromUidl(uidls[i]);
            if (key is { } known)
            {
                serverKeys.Add(known);
                // Only the checkpoint counts: a blob without a checkpoint entry may be one a crash left unflushed.
                if (alreadyStored.Contains(known))
                {
                    skipped++;
                    continue;
                }
            }

            var tooBig = sizes[i] > options.MaxMessageBytes;
            var pending = await store.BeginAsync(mailbox.MailboxId, cancellationToken);
            long written;
            try
            {
                // Without UIDL the content hash is the key, known only once the message is down; with UIDL nothing is hashed.
                (written, var sha256) = await DownloadAsync(client, i, tooBig, pending.Content, hashed: key is null, cancellationToken);
                if (key is null)
                {
                    // Identical copies are kept once.
                    var hashed = MessageKey.FromSha256(sha256!);
                    var duplicate = !seen.Add(hashed);
                    if (!duplicate)
                    {
                        serverKeys.Add(hashed);
                    }

                    if (duplicate || alreadyStored.Contains(hashed))
                    {
                        skipped += duplicate ? 0 : 1;
                        await pending.DisposeAsync();
                        continue;
                    }

                    key = hashed;
                }
            }
            catch (Pop3CommandException error)
            {
                // The server will not send this message (damaged, or deleted since LIST): the others go on, and the next fetch tries
                // it again. A server that refuses every message of the mailbox fails the fetch instead (below).
                await pending.DisposeAsync();
                refused++;
                lastRefusal = error;
                logger.LogWarning("Message {Position} of mailbox {Mailbox} was refused by the server ({Reason}); it is left for the next backup",
                    i + 1, mailbox.MailboxId, error.StatusText);
                continue;
            }
            catch
            {
                await pending.DisposeAsync();
                throw;
            }

            if (tooBig)
            {
                logger.LogWarning("Message {Position} of mailbox {Mailbox} is {Size} bytes, over the {Limit}-byte limit: kept its headers only",
                    i + 1, mailbox.MailboxId, sizes[i], options.MaxMessageBytes);
            }

            await pipeline.StartAsync(pending, new FetchedMessage(key.Value, i, sizes[i], written, tooBig) { OnServer = sizes.Count }, cancellationToken);
        }

        await pipeline.DrainAsync(cancellationToken);
        if (lastRefusal is not null && pipeline.Committed + skipped == 0)
        {
            throw lastRefusal;
        }

        return new MailboxFetchResult(sizes.Count, pipeline.Committed, skipped, pipeline.HeadersOnly, pipeline.Bytes, uidls is not null, serverKeys, refused);
    }

    /// <summary>The UIDL list, or null when the server has no UIDL (optional in RFC 1939) and keys fall back to SHA-256.</summary>
    private static async Task<IList<string>?> UidlsAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        // MailKit sends UIDL even when CAPA did not list it (CAPA itself is optional) and maps -ERR to NotSupportedException.
        try
        {
            // RFC 1939 makes UIDLs unique; a server that repeats one would have two messages share a key (and a blob).
            var uidls = await client.GetMessageUidsAsync(cancellationToken);
            return uidls.All(IsValidUidl) && uidls.Distinct(StringComparer.Ordinal).Count() == uidls.Count ? uidls : null;
        }
        catch (Exception e) when (e is NotSupportedException or Pop3CommandException)
        {
            return null;
        }
    }

    private static bool IsValidUidl(string uidl) => uidl.Length is > 0 and <= 70 && uidl.All(c => c is >= '!' and <= '~');

    /// <summary>
    /// RETR (or TOP n 0) copied to the pending blob, hashing it when <paramref name="hashed"/>. MailKit's GetStream
    /// buffers one message in memory blocks, bounded by <see cref="Pop3FetchOptions.MaxMessageBytes"/>; the mailbox never is.
    /// </summary>
    private static async Task<(long Written, string? Sha256)> DownloadAsync(
        Pop3Client client, int index, bool headersOnly, Stream target, bool hashed, CancellationToken cancellationToken)
    {
        using var hash = hashed ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        long written = 0;
        try
        {
            await using var message = await client.GetStreamAsync(index, headersOnly, cancellationToken);
            int read;
            while ((read = await message.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                hash?.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                written += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (written, hash is null ? null : Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private MailboxFetchException Logged(MailboxFetchException failure, Pop3Mailbox mailbox)
    {
        logger.LogWarning("Fetching mailbox {Mailbox} from {Host}:{Port} failed ({Failure}): {Reason}",
            mailbox.MailboxId, mailbox.Host, mailbox.Port, failure.Failure, failure.Message);
        return failure;
    }
}
