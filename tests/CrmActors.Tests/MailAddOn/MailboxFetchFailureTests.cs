using System.Diagnostics;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.MailAddOn;

/// <summary>Every way a fetch fails ends in a typed failure with a reason, in bounded time, without the password.</summary>
public sealed class MailboxFetchFailureTests
{
    [Pop3Fact]
    public async Task AWrongPasswordFailsWithTheServersReasonAndNoPassword()
    {
        using var harness = new FetchHarness();
        const string password = "Wrong-Pa55word-Nobody-Uses";

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(TestDovecot.Mailbox("alice", password: password)));

        Assert.Equal(MailboxFetchFailure.Authentication, failure.Failure);
        Assert.Contains("Authentication failed", failure.ServerReason);
        Assert.Contains("Authentication failed", failure.Message);
        Assert.DoesNotContain(password, failure.ToString());
        Assert.Empty(await harness.StoredKeysAsync("test-alice"));
    }

    [Pop3Fact]
    public async Task ALoopbackHostIsRefusedWhenPrivateNetworksAreNotAllowed()
    {
        using var harness = new FetchHarness(allowPrivateNetworks: false);

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(TestDovecot.Mailbox("alice")));

        Assert.Equal(MailboxFetchFailure.TargetRefused, failure.Failure);
        Assert.Contains("Outbound__AllowPrivateNetworks", failure.Message);
    }

    [Theory]
    [InlineData(Pop3Tls.None)]
    [InlineData(Pop3Tls.ImplicitTls)]
    public async Task AServerThatNeverAnswersFailsWithinTheConnectTimeout(Pop3Tls tls)
    {
        await using var server = FakePop3Server.Silent();
        using var harness = new FetchHarness(new Pop3FetchOptions { ConnectTimeout = TimeSpan.FromSeconds(1), CommandTimeout = TimeSpan.FromSeconds(1) });
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(server.Mailbox(tls)));

        Assert.Equal(MailboxFetchFailure.Timeout, failure.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task AServerThatGreetsThenStopsAnsweringFailsWithinTheCommandTimeout()
    {
        await using var server = FakePop3Server.GreetsThenHangs();
        using var harness = new FetchHarness(new Pop3FetchOptions { ConnectTimeout = TimeSpan.FromSeconds(30), CommandTimeout = TimeSpan.FromSeconds(1) });
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(server.Mailbox()));

        Assert.Equal(MailboxFetchFailure.Timeout, failure.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task AServerThatAnswersNonsenseFailsAsNotPop3()
    {
        await using var server = FakePop3Server.Nonsense();
        using var harness = new FetchHarness(new Pop3FetchOptions { ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(2) });

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(server.Mailbox()));

        Assert.Equal(MailboxFetchFailure.Protocol, failure.Failure);
        Assert.Contains("HTTP/1.1 400", failure.Message);
    }

    [Fact]
    public async Task AnErrorAnswerToRetrFailsWithTheServersReasonAndStoresNothing()
    {
        await using var server = FakePop3Server.FailingRetr("-ERR [SYS/TEMP] Mailbox is locked by another session");
        using var harness = new FetchHarness();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(server.Mailbox()));

        Assert.Equal(MailboxFetchFailure.ServerError, failure.Failure);
        Assert.Equal("[SYS/TEMP] Mailbox is locked by another session", failure.ServerReason);
        Assert.Empty(await harness.StoredKeysAsync("fake"));
        Assert.Empty(Directory.EnumerateFiles(harness.Store.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AMessageTheServerRefusesIsLeftForTheNextFetchAndTheOthersAreFetched()
    {
        string[] messages = ["Subject: one\r\n\r\nfirst\r\n", "Subject: two\r\n\r\nsecond\r\n", "Subject: three\r\n\r\nthird\r\n"];
        await using var server = FakePop3Server.WithUidls(messages, ["u1", "u2", "u3"]);
        server.Refusing[2] = true;
        using var harness = new FetchHarness();

        var first = await harness.FetchAsync(server.Mailbox());
        Assert.Equal((2, 1), (first.Fetched, first.Refused));
        Assert.Equal(["uidl:u1", "uidl:u3"], (await harness.StoredKeysAsync("fake")).Select(k => k.Value).Order());

        server.Refusing.Clear();
        var second = await harness.FetchAsync(server.Mailbox());
        Assert.Equal((1, 2, 0), (second.Fetched, second.Skipped, second.Refused));
    }

    [Fact]
    public async Task RepeatedUidlsAreNotTrustedMessagesAreKeyedByTheirContentInstead()
    {
        string[] messages = ["Subject: one\r\n\r\nfirst\r\n", "Subject: two\r\n\r\nsecond\r\n", "Subject: three\r\n\r\nthird\r\n"];
        await using var server = FakePop3Server.WithUidls(messages, ["same", "same", "other"]);
        using var harness = new FetchHarness();

        var result = await harness.FetchAsync(server.Mailbox());

        // Keyed by UIDL, the second message would have replaced the first one's blob.
        Assert.False(result.ServerHasUidl);
        Assert.Equal(3, result.Fetched);
        Assert.Equal(3, (await harness.StoredKeysAsync("fake")).Count(k => k.Value.StartsWith("sha256:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AConnectionTheServerClosesMidSessionIsLostNotANonPop3Server()
    {
        string[] messages = ["Subject: one\r\n\r\nfirst\r\n", "Subject: two\r\n\r\nsecond\r\n"];
        await using var server = FakePop3Server.WithUidls(messages, ["u1", "u2"]);
        server.Hanging[2] = true;
        using var harness = new FetchHarness();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(server.Mailbox()));

        // Unreachable is retried; Protocol was taken for a server that does not speak POP3 and failed the backup for good.
        Assert.Equal(MailboxFetchFailure.Unreachable, failure.Failure);
        Assert.Contains("closed the connection in the middle of the session", failure.Message);
        Assert.Equal(["uidl:u1"], (await harness.StoredKeysAsync("fake")).Select(k => k.Value));
    }

    [Fact]
    public async Task AClosedPortFailsAsUnreachable()
    {
        var port = FakePop3Server.UnusedPort();
        using var harness = new FetchHarness();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() =>
            harness.FetchAsync(new Pop3Mailbox("closed", "127.0.0.1", port, Pop3Tls.None, "u", "p")));

        Assert.Equal(MailboxFetchFailure.Unreachable, failure.Failure);
    }

    [Fact]
    public async Task AServerWithoutUidlIsKeyedByContentHashAndStillNotRefetched()
    {
        string[] messages = ["Subject: one\r\n\r\nfirst\r\n", "Subject: two\r\n\r\nsecond\r\n", "Subject: one\r\n\r\nfirst\r\n"];
        await using var server = FakePop3Server.WithoutUidl(messages);
        using var harness = new FetchHarness();

        var first = await harness.FetchAsync(server.Mailbox());
        var second = await harness.FetchAsync(server.Mailbox());

        Assert.False(first.ServerHasUidl);
        Assert.Equal(2, first.Fetched);
        Assert.All(first.ServerKeys, k => Assert.StartsWith("sha256:", k.Value));
        Assert.Equal(0, second.Fetched);
        Assert.DoesNotContain("DELE", server.Commands);
    }

    [Fact]
    public async Task APasswordTheServerEchoesBackIsScrubbedFromTheFailure()
    {
        await using var server = FakePop3Server.EchoesPassword();
        using var harness = new FetchHarness();
        var mailbox = server.Mailbox() with { Password = "Echo-Me-Secret-42" };

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(mailbox));

        Assert.Equal(MailboxFetchFailure.Authentication, failure.Failure);
        Assert.DoesNotContain("Echo-Me-Secret-42", failure.ToString());
        Assert.Contains("***", failure.Message);
    }
}
