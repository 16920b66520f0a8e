using CrmActors.Grains.MailAddOn.Parsing;

namespace CrmActors.Tests.MailAddOn;

/// <summary>The seeded Dovecot mailbox, fetched and then parsed from the blob folder: every charset comes out right.</summary>
public sealed class SeededMailboxParsingTests
{
    [Pop3Fact]
    public async Task EveryFetchedMessageParsesWithItsSubjectAndBodyDecoded()
    {
        using var harness = new FetchHarness();
        var mailbox = TestDovecot.Mailbox("alice");
        var result = await harness.FetchAsync(mailbox);
        var parsed = new List<ParsedMail>();
        foreach (var key in result.ServerKeys)
        {
            parsed.Add(await MailParser.ParseFileAsync(harness.Store.PathOf(mailbox.MailboxId, key), CancellationToken.None));
        }

        var bySubject = parsed.ToDictionary(p => p.Subject);
        Assert.Contains("いつもお世話になっております", bySubject["見積もりのご案内"].TextBody);
        Assert.Equal("山田太郎", bySubject["見積もりのご案内"].From[0].Name);
        Assert.Contains("シフトJISの本文です。", bySubject["シフトJISの件名"].TextBody);
        Assert.Contains("Café crème brûlée, soft break.", bySubject["Счёт на оплату"].TextBody);
        Assert.Equal("<p>Price: <b>10 €</b></p>", bySubject["Alternative bodies"].HtmlBody?.Trim());
        Assert.Equal(["見積書.pdf", "顧客リスト.csv"], bySubject["With attachments"].Attachments.Select(a => a.FileName));
        Assert.Equal(10 * 1024 * 1024, Assert.Single(bySubject["Big attachment"].Attachments).Size);
        Assert.Equal(2, parsed.Count(p => p.MessageId == "dup@example.com"));
    }
}
