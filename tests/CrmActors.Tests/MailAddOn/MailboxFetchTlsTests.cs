using CrmActors.Grains.MailAddOn.Pop3;

namespace CrmActors.Tests.MailAddOn;

/// <summary>STLS and implicit TLS against Dovecot's self-signed certificate, trusted only when pinned by the test.</summary>
public sealed class MailboxFetchTlsTests
{
    [Pop3Theory]
    [InlineData(Pop3Tls.StartTls)]
    [InlineData(Pop3Tls.ImplicitTls)]
    public async Task AMailboxIsFetchedOverTlsWhenTheCertificateIsPinned(Pop3Tls tls)
    {
        using var harness = new FetchHarness(new Pop3FetchOptions { ServerCertificateValidation = TestDovecot.PinnedCertificate() });

        var result = await harness.FetchAsync(TestDovecot.Mailbox("alice", tls));

        Assert.True(result.Fetched > 0);
        Assert.Equal(result.OnServer, result.Fetched);
    }

    [Pop3Theory]
    [InlineData(Pop3Tls.StartTls)]
    [InlineData(Pop3Tls.ImplicitTls)]
    public async Task ASelfSignedCertificateIsRefusedByDefault(Pop3Tls tls)
    {
        using var harness = new FetchHarness();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(TestDovecot.Mailbox("alice", tls)));

        Assert.Equal(MailboxFetchFailure.Tls, failure.Failure);
        Assert.Empty(await harness.StoredKeysAsync("test-alice"));
    }

    [Fact]
    public async Task StartTlsAgainstAServerWithoutStlsIsRefusedBeforeTheLogin()
    {
        await using var server = FakePop3Server.WithoutUidl(["Subject: x\r\n\r\ny\r\n"]);
        using var harness = new FetchHarness();

        var failure = await Assert.ThrowsAsync<MailboxFetchException>(() => harness.FetchAsync(server.Mailbox(Pop3Tls.StartTls)));

        Assert.Equal(MailboxFetchFailure.Tls, failure.Failure);
        Assert.DoesNotContain("PASS", server.Commands);
    }
}
