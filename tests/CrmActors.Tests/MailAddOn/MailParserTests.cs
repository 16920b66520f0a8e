using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CrmActors.Grains.MailAddOn.Parsing;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.MailAddOn;

public sealed class MailParserTests
{
    private static Task<ParsedMail> ParseAsync(string raw) =>
        MailParser.ParseAsync(new MemoryStream(Encoding.ASCII.GetBytes(raw)), CancellationToken.None);

    [Fact]
    public async Task AnIso2022JpMessageHasItsJapaneseSubjectSenderAndBody()
    {
        var mail = await ParseAsync(RecordedMessages.Iso2022Jp);

        Assert.Equal("打ち合わせの件", mail.Subject);
        Assert.Equal(new MailParty("山田太郎", "Yamada@Docomo.NE.jp"), Assert.Single(mail.From));
        Assert.Equal("営業部", Assert.Single(mail.To).Name);
        Assert.Equal("いつもお世話になっております。\n明日の打ち合わせの件です。\n", mail.TextBody);
        Assert.Equal("20230110091500.ABCD@docomo.ne.jp", mail.MessageId);
        Assert.Equal(new DateTimeOffset(2023, 1, 10, 9, 15, 0, TimeSpan.FromHours(9)), mail.Date);
    }

    [Fact]
    public async Task AShiftJisBase64MessageIsDecoded()
    {
        var mail = await ParseAsync(RecordedMessages.ShiftJis);

        Assert.Equal("御見積書送付のお願い", mail.Subject);
        Assert.Equal("佐藤", Assert.Single(mail.From).Name);
        Assert.Equal("見積書を送付してください。よろしくお願いします。", mail.TextBody);
    }

    [Fact]
    public async Task Latin1QuotedPrintableAndAWindows1251SubjectAreDecoded()
    {
        var mail = await ParseAsync(RecordedMessages.Latin1QuotedPrintable);

        Assert.Equal("Счёт на оплату", mail.Subject);
        Assert.Equal("René Dupré", Assert.Single(mail.From).Name);
        Assert.Equal("Bonjour, voici la crème brûlée du café (suite sur la même ligne).\n", mail.TextBody);
        Assert.Equal("SALES@EXAMPLE.COM", Assert.Single(mail.To).Address);
    }

    [Fact]
    public async Task AnHtmlOnlyMessageHasNoTextBodyAndASnippetFromItsHtml()
    {
        var mail = await ParseAsync(RecordedMessages.HtmlOnly);

        Assert.Null(mail.TextBody);
        Assert.Contains("<b>10 €</b>", mail.HtmlBody);
        var summary = MailParser.Summarize("e1", mail);
        Assert.Equal("New price: 10 € Thanks", summary.Snippet);
        Assert.Equal("Price update €", summary.Subject);
        Assert.Equal("Newsletter <news@vendor.example>", summary.From);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("\0\0\0\0")]
    public async Task AMessageWithNothingToParseIsAnEmptyMessageNotAnError(string raw)
    {
        var mail = await ParseAsync(raw);
        Assert.Equal((null, "", 0, 0), (mail.MessageId, mail.Subject, mail.From.Count, mail.To.Count));

        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, raw);
            var (messageId, summary, addresses) = MailParser.SummarizeFile("e-1", path, CancellationToken.None);
            Assert.Equal((null, "e-1", "", "", 0), (messageId, summary.Id, summary.Subject, summary.From, addresses.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AttachmentsHaveDecodedNamesTypesAndSizes()
    {
        var mail = await ParseAsync(RecordedMessages.Attachments);

        Assert.Equal("資料送付", mail.Subject);
        Assert.Equal("資料を添付します。", mail.TextBody);
        Assert.Equal("<div>資料を添付します。</div>", mail.HtmlBody);
        Assert.Equal(
            [
                new MailAttachment("見積書.pdf", "application/pdf", 1000),
                new MailAttachment("顧客一覧.xls", "application/vnd.ms-excel", 256),
                // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1), so the last line ends in "=0D" alone.
                new MailAttachment("売上報告.csv", "text/csv", "id,amount\r\n1,100\r".Length),
            ],
            mail.Attachments);
    }

    [Fact]
    public async Task LinkAddressesAreFromToAndCcLowerCased()
    {
        var mail = await ParseAsync(RecordedMessages.Iso2022Jp);

        Assert.Equal(new HashSet<string> { "yamada@docomo.ne.jp", "sales@example.com", "suzuki@example.co.jp" }, mail.LinkAddresses);
    }

    [Fact]
    public async Task AMessageWithoutDateOrSubjectStillParses()
    {
        var mail = await ParseAsync("From: a@example.com\r\n\r\nbody\r\n");

        Assert.Null(mail.Date);
        Assert.Equal(string.Empty, mail.Subject);
        Assert.Empty(mail.Attachments);
        Assert.Equal("body", MailParser.Summarize("x", mail).Snippet);
    }

    public static TheoryData<string, string> LongBodies => new()
    {
        { "text/plain", "  \n" + string.Join(" ", Enumerable.Range(0, 3000).Select(i => $"w{i}&amp;")) },
        // Nothing but white space in the first 4 KB the backup decodes: the snippet is further on.
        { "text/plain", new string(' ', 9000) + "Hello from further on. " + new string('x', 300) },
        { "text/html", "<p>" + string.Join("", Enumerable.Range(0, 2000).Select(i => $"<b class=\"c{i}\">v{i} &eacute;</b> ")) + "</p>" },
        // No tag ends in the first 4 KB.
        { "text/html", "<div style=\"" + new string('x', 9000) + "\">Price &amp; terms</div>" + new string('y', 400) },
        { "text/html", new string('z', 4090) + " &amp;<i>" + new string('w', 500) + "</i>" },
    };

    [Theory]
    [MemberData(nameof(LongBodies))]
    public async Task ALongBodysSnippetIsItsFirstTwoHundredCharactersOfTextWhicheverWayItIsParsed(string type, string body)
    {
        var raw = $"From: a@example.com\r\nTo: b@example.com\r\nSubject: Long\r\nContent-Type: {type}; charset=utf-8\r\n\r\n{body}\r\n";
        var text = type == "text/html" ? Regex.Replace(body + "\r\n", "<[^>]*>", " ") : body + "\r\n";
        text = Regex.Replace(WebUtility.HtmlDecode(text), @"\s+", " ").Trim();
        var expected = text.Length <= 200 ? text : text[..200] + "…";
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "long.eml");
        await File.WriteAllTextAsync(path, raw);

        var parsed = MailParser.Summarize("x", await ParseAsync(raw));
        var (_, summary, addresses) = MailParser.SummarizeFile("x", path, CancellationToken.None);

        Assert.Equal(expected, parsed.Snippet);
        Assert.Equal(parsed, summary with { To = parsed.To, Cc = parsed.Cc });
        Assert.Equal(parsed.To, summary.To);
        Assert.Equal(new HashSet<string> { "a@example.com", "b@example.com" }, addresses);
    }

    [Fact]
    public async Task ABackupsSnippetOfAMultipartMessageComesFromItsPlainTextAsTheFullParsesDoes()
    {
        var plain = string.Join(" ", Enumerable.Range(0, 1500).Select(i => $"plain{i}"));
        var raw = "From: a@example.com\r\nSubject: Parts\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
            + "--m\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
            + $"--a\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{Convert.ToBase64String(Encoding.UTF8.GetBytes(plain), Base64FormattingOptions.InsertLineBreaks)}\r\n"
            + "--a\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--a--\r\n"
            + "--m\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=notes.txt\r\n\r\nattached\r\n--m--\r\n";
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "parts.eml");
        await File.WriteAllTextAsync(path, raw);

        var (_, summary, _) = MailParser.SummarizeFile("x", path, CancellationToken.None);

        Assert.Equal(MailParser.Summarize("x", await ParseAsync(raw)).Snippet, summary.Snippet);
        Assert.StartsWith("plain0 plain1 ", summary.Snippet);
    }

    [Fact]
    public async Task AMessageOverAMegabyteIsSummarizedFromItsFileAsTheFullParseSummarizesIt()
    {
        var attachment = Convert.ToBase64String(new byte[1_200_000], Base64FormattingOptions.InsertLineBreaks);
        var raw = "From: \"Sato\" <sato@example.jp>\r\nTo: b@example.com\r\nCc: c@example.com\r\nSubject: Big\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
            + "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe report is attached.\r\n"
            + $"--m\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--m--\r\n";
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "big.eml");
        await File.WriteAllTextAsync(path, raw);

        var (_, summary, addresses) = MailParser.SummarizeFile("x", path, CancellationToken.None);

        Assert.True(new FileInfo(path).Length > 1024 * 1024);
        var parsed = MailParser.Summarize("x", await ParseAsync(raw));
        Assert.Equal(parsed, summary with { To = parsed.To, Cc = parsed.Cc });
        Assert.Equal(parsed.To, summary.To);
        Assert.Equal(parsed.Cc, summary.Cc);
        Assert.Equal("The report is attached.", summary.Snippet);
        Assert.Equal(new HashSet<string> { "sato@example.jp", "b@example.com", "c@example.com" }, addresses);
    }
}
