using System.Diagnostics;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Outbound;
using CrmActors.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using Xunit.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrmActors.Tests.MailAddOn;

/// <summary>One side of the comparison: messages, bytes and wall time.</summary>
public sealed record FetchFigures(string Name, int Messages, long Bytes, TimeSpan Elapsed, long AllocatedBytes)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Name,-28} {Messages,6} msgs {Bytes / 1048576.0,8:0.0} MB {Elapsed.TotalSeconds,7:0.00} s {MessagesPerSecond,8:0} msg/s {Bytes / 1048576.0 / Elapsed.TotalSeconds,7:0.0} MB/s {AllocatedBytes / 1048576.0,8:0} MB allocated";
}

/// <summary>
/// The fetcher beside the simplest MailKit loop that downloads the same mailbox (connect, RETR each message
/// to a file), in the same process, one after the other. Run it on a big mailbox with
/// <c>CRM_DOVECOT_BENCH_MESSAGES=20000</c> when scripts/dovecot.sh creates the server.
/// </summary>
public static class Pop3FetchBenchmark
{
    /// <summary>
    /// Each side runs <paramref name="rounds"/> times, the order rotating so none always pays for a cold
    /// server cache or JIT; the fastest round of each is kept, the usual choice on a shared, noisy machine.
    /// </summary>
    public static async Task<IReadOnlyList<FetchFigures>> RunAsync(Pop3Mailbox mailbox, int rounds = 2)
    {
        Func<Task<FetchFigures>>[] sides = [() => PlainLoopAsync(mailbox), () => FetcherAsync(mailbox, durable: false), () => FetcherAsync(mailbox, durable: true)];
        var best = new FetchFigures?[sides.Length];
        for (var round = 0; round < rounds; round++)
        {
            for (var j = 0; j < sides.Length; j++)
            {
                var side = (j + round) % sides.Length;
                var figures = await sides[side]();
                if (best[side] is not { } fastest || figures.Elapsed < fastest.Elapsed)
                {
                    best[side] = figures;
                }
            }
        }

        return [.. best.OfType<FetchFigures>()];
    }

    private static async Task<FetchFigures> PlainLoopAsync(Pop3Mailbox mailbox)
    {
        using var folder = new TempDirectory();
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        using var client = new Pop3Client();
        await client.ConnectAsync(mailbox.Host, mailbox.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(mailbox.Login, mailbox.Password);
        var count = await client.GetMessageCountAsync();
        for (var i = 0; i < count; i++)
        {
            await using var file = File.Create(Path.Combine(folder.Path, $"{i}.eml"));
            using var message = await client.GetStreamAsync(i);
            await message.CopyToAsync(file);
            bytes += file.Length;
        }

        await client.DisconnectAsync(true);
        return new FetchFigures("plain MailKit loop", count, bytes, clock.Elapsed, GC.GetTotalAllocatedBytes() - allocated);
    }

    private static async Task<FetchFigures> FetcherAsync(Pop3Mailbox mailbox, bool durable)
    {
        using var folder = new TempDirectory();
        var fetcher = new MailboxFetcher(new OutboundTargets(true), new MailFolderStore(folder.Path, durable), new Pop3FetchOptions(), NullLogger<MailboxFetcher>.Instance);
        var checkpoint = new HashSet<MessageKey>();
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        var result = await fetcher.FetchAsync(mailbox, new HashSet<MessageKey>(), (message, _) =>
        {
            checkpoint.Add(message.Key);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        return new FetchFigures(durable ? "MailboxFetcher (fsync)" : "MailboxFetcher (no fsync)", result.Fetched, result.BytesFetched, clock.Elapsed, GC.GetTotalAllocatedBytes() - allocated);
    }
}

public sealed class Pop3FetchBenchmarkTests(ITestOutputHelper output)
{
    [Pop3Fact]
    public async Task TheFetcherDownloadsWhatAPlainMailKitLoopDownloadsAndPrintsBothThroughputs()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CRM_BENCH_ROUNDS"), out var r) ? r : 2;
        var figures = await Pop3FetchBenchmark.RunAsync(TestDovecot.Mailbox("bench"), rounds);

        foreach (var line in figures)
        {
            output.WriteLine(line.ToString());
        }

        var plain = figures[0];
        foreach (var fetcher in figures.Skip(1))
        {
            output.WriteLine($"{fetcher.Name}: {plain.MessagesPerSecond / fetcher.MessagesPerSecond:0.00}x the plain loop's time per message");
            Assert.Equal(plain.Messages, fetcher.Messages);
            Assert.Equal(plain.Bytes, fetcher.Bytes);
        }
    }
}
