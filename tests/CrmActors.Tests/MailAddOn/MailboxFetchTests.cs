using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.MailAddOn.Parsing;
using CrmActors.Grains.MailAddOn.Pop3;

namespace CrmActors.Tests.MailAddOn;

/// <summary>Fetching from the real Dovecot: what is stored, what is never refetched, and that nothing leaves the server.</summary>
public sealed class MailboxFetchTests
{
    [Pop3Fact]
    public async Task AFullFetchStoresEveryMessageByteForByteAsTheServerHoldsIt()
    {
        using var harness = new FetchHarness();
        var mailbox = TestDovecot.Mailbox("alice");

        var result = await harness.FetchAsync(mailbox);

        using var plain = await TestDovecot.ConnectPlainAsync("alice");
        var uidls = await plain.GetMessageUidsAsync();
        Assert.True(result.ServerHasUidl);
        Assert.Equal(uidls.Count, result.OnServer);
        Assert.Equal(uidls.Count, result.Fetched);
        Assert.Equal(uidls.Count, (await harness.StoredKeysAsync(mailbox.MailboxId)).Count);
        for (var i = 0; i < uidls.Count; i++)
        {
            using var onServer = new MemoryStream();
            using (var stream = await plain.GetStreamAsync(i))
            {
                await stream.CopyToAsync(onServer);
            }

            var stored = await File.ReadAllBytesAsync(harness.Store.PathOf(mailbox.MailboxId, result.ServerKeys[i]));
            Assert.True(onServer.ToArray().AsSpan().SequenceEqual(stored), $"message {i + 1} ({uidls[i]}) differs from the server's bytes");
        }

        Assert.Equal(result.ServerKeys.ToHashSet(), harness.Checkpoint);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(harness.Store.Root, mailbox.MailboxId, ".partial")));
    }

    [Pop3Fact]
    public async Task FetchingNeverDeletesAMessageFromTheServer()
    {
        var maildir = Path.GetDirectoryName(TestDovecot.NewFolder("alice"))!;
        int FilesInMaildir() => Directory.GetFiles(Path.Combine(maildir, "new")).Length + Directory.GetFiles(Path.Combine(maildir, "cur")).Length;
        int before;
        using (var plain = await TestDovecot.ConnectPlainAsync("alice"))
        {
            before = await plain.GetMessageCountAsync();
        }

        var filesBefore = FilesInMaildir();
        using var harness = new FetchHarness();
        await harness.FetchAsync(TestDovecot.Mailbox("alice"));
        await harness.FetchAsync(TestDovecot.Mailbox("alice"));

        using var after = await TestDovecot.ConnectPlainAsync("alice");
        Assert.Equal(before, await after.GetMessageCountAsync());
        Assert.Equal(filesBefore, FilesInMaildir());
    }

    [Pop3Fact]
    public async Task ASecondFetchDownloadsNothing()
    {
        using var harness = new FetchHarness();
        var first = await harness.FetchAsync(TestDovecot.Mailbox("alice"));

        var second = await harness.FetchAsync(TestDovecot.Mailbox("alice"));

        Assert.True(first.Fetched > 0);
        Assert.Equal(0, second.Fetched);
        Assert.Equal(0, second.BytesFetched);
        Assert.Equal(first.OnServer, second.Skipped);
    }

    [Pop3Fact]
    public async Task AMessageStoredButNotCheckpointedIsDownloadedAgainOverWhatACrashLeftOfIt()
    {
        using var harness = new FetchHarness(durable: false);
        var mailbox = TestDovecot.Mailbox("alice");
        var first = await harness.FetchAsync(mailbox);
        var torn = harness.Store.PathOf(mailbox.MailboxId, first.ServerKeys[0]);
        var bytes = await File.ReadAllBytesAsync(torn);
        // What an OS crash may leave of a blob that was renamed but not flushed before its checkpoint.
        await File.WriteAllBytesAsync(torn, bytes[..(bytes.Length / 2)]);
        harness.Checkpoint.Clear();
        harness.Reported.Clear();

        var again = await harness.FetchAsync(mailbox);

        Assert.Equal(first.OnServer, again.Fetched);
        Assert.Equal(first.ServerKeys, harness.Reported.Select(m => m.Key));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(torn));
        Assert.Equal(first.OnServer, (await harness.StoredKeysAsync(mailbox.MailboxId)).Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(harness.Store.Root, mailbox.MailboxId, ".partial")));
    }

    [Pop3Fact]
    public async Task FlushingABatchToDiskKeepsItsBlobsAsTheyAreAndPassesOverOneAlreadyDropped()
    {
        using var harness = new FetchHarness(durable: false);
        var mailbox = TestDovecot.Mailbox("alice");
        var result = await harness.FetchAsync(mailbox);
        var before = result.ServerKeys.ToDictionary(k => k, k => File.ReadAllBytes(harness.Store.PathOf(mailbox.MailboxId, k)));
        File.Delete(harness.Store.PathOf(mailbox.MailboxId, result.ServerKeys[^1]));

        await harness.Store.FlushToDiskAsync(mailbox.MailboxId, result.ServerKeys.ToList(), CancellationToken.None);

        Assert.All(result.ServerKeys.SkipLast(1), k => Assert.Equal(before[k], File.ReadAllBytes(harness.Store.PathOf(mailbox.MailboxId, k))));
        Assert.False(File.Exists(harness.Store.PathOf(mailbox.MailboxId, result.ServerKeys[^1])));
    }

    [Pop3Fact]
    public async Task AMessageAddedLaterIsTheOnlyOneFetchedNextTime()
    {
        using var harness = new FetchHarness();
        var mailbox = TestDovecot.Mailbox("latest");
        var first = await harness.FetchAsync(mailbox);
        var earlier = harness.Checkpoint.ToHashSet();
        var messageId = $"later-{Guid.NewGuid():N}@customer.example";
        TestDovecot.Deliver("latest", $"From: Lead <Lead@Prospect.Example>\nTo: latest@example.com\nSubject: Added later\nMessage-ID: <{messageId}>\n\nA new message.\n");

        var next = await harness.FetchAsync(mailbox);

        Assert.Equal(first.OnServer + 1, next.OnServer);
        Assert.Equal(1, next.Fetched);
        var added = Assert.Single(MailBackupRules.NewSinceLastBackup(next.ServerKeys, earlier));
        Assert.Equal(added, harness.Reported[^1].Key);
        var parsed = await MailParser.ParseFileAsync(harness.Store.PathOf(mailbox.MailboxId, added), CancellationToken.None);
        Assert.Equal(messageId, parsed.MessageId);
    }

    [Pop3Fact]
    public async Task AFetchInterruptedAfterThreeMessagesResumesWithoutRefetchingThem()
    {
        using var harness = new FetchHarness();
        var mailbox = TestDovecot.Mailbox("resume");
        using var stop = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            harness.FetchAsync(mailbox, _ => { if (harness.Reported.Count == 3) { stop.Cancel(); } }, stop.Token));
        var beforeResume = harness.Reported.Select(m => m.Key).ToList();
        var resumed = await harness.FetchAsync(mailbox);

        Assert.Equal(3, beforeResume.Count);
        Assert.Equal(resumed.OnServer - 3, resumed.Fetched);
        Assert.Equal(3, resumed.Skipped);
        var fetchedOnResume = harness.Reported.Skip(3).Select(m => m.Key).ToList();
        Assert.Empty(fetchedOnResume.Intersect(beforeResume));
        Assert.Equal(resumed.ServerKeys.ToHashSet(), harness.Checkpoint);
        Assert.Equal(resumed.OnServer, (await harness.StoredKeysAsync(mailbox.MailboxId)).Count);
    }

    [Pop3Fact]
    public async Task AMessageOverTheSizeLimitIsKeptAsHeadersOnlyAndReported()
    {
        using var harness = new FetchHarness(new Pop3FetchOptions { MaxMessageBytes = 1024 * 1024 });
        var mailbox = TestDovecot.Mailbox("alice");

        var result = await harness.FetchAsync(mailbox);

        var big = Assert.Single(harness.Reported, m => m.HeadersOnly);
        Assert.Equal(1, result.HeadersOnly);
        Assert.True(big.ServerSize > 10_000_000);
        Assert.True(big.StoredBytes < 4096);
        var parsed = await MailParser.ParseFileAsync(harness.Store.PathOf(mailbox.MailboxId, big.Key), CancellationToken.None);
        Assert.Equal("Big attachment", parsed.Subject);
    }
}
