using System.Collections.Concurrent;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Outbound;
using CrmActors.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CrmActors.Tests.MailAddOn;

public sealed class FetchLogTests
{
    [Pop3Fact]
    public async Task NeitherASuccessfulNorAFailedFetchLogsThePassword()
    {
        using var folder = new TempDirectory();
        var logger = new ListLogger();
        var fetcher = new MailboxFetcher(new OutboundTargets(true), new MailFolderStore(folder.Path), new Pop3FetchOptions(), logger);
        const string wrong = "Not-The-Password-77";

        await fetcher.FetchAsync(TestDovecot.Mailbox("alice"), new HashSet<MessageKey>(), null, CancellationToken.None);
        await Assert.ThrowsAsync<MailboxFetchException>(() =>
            fetcher.FetchAsync(TestDovecot.Mailbox("alice", password: wrong), new HashSet<MessageKey>(), null, CancellationToken.None));

        Assert.Contains(logger.Lines, l => l.Contains("Fetched", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Contains("Authentication", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Contains("alice-secret", StringComparison.Ordinal) || l.Contains(wrong, StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger<MailboxFetcher>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}
