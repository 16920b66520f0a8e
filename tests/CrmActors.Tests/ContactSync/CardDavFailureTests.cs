using System.Diagnostics;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.Outbound;

namespace CrmActors.Tests.ContactSync;

/// <summary>Servers that are not CardDAV servers, or not allowed: each gives a typed error within the timeout, never a hang.</summary>
public class CardDavFailureTests
{
    private const string Password = "s3cret-pa55word-2718";

    private static readonly CardDavClientOptions Quick = new()
    {
        RequestTimeout = TimeSpan.FromMilliseconds(500),
        MaxRetries = 1,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
    };

    private static CardDavClient ClientFor(bool allowPrivate = true) =>
        CardDavClient.Create(new OutboundTargets(allowPrivate), CardDavCredentials.Basic("someone", Password), Quick);

    [Fact]
    public async Task AnHtmlPageIsNotACardDavServer()
    {
        await using var server = FakeHttpServer.Answering(200, "text/html", "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>");
        using var client = ClientFor();

        var discovery = await Assert.ThrowsAsync<CardDavException>(() => client.DiscoverAsync(server.Url));
        var listing = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(server.Url, "/book/")));

        Assert.Equal(CardDavError.InvalidResponse, discovery.Error);
        Assert.Contains("does not answer CardDAV discovery", discovery.Message);
        Assert.Equal((CardDavError.InvalidResponse, 200), (listing.Error, listing.StatusCode));
        Assert.Contains("text/html", listing.Message);
        Assert.DoesNotContain(Password, discovery.ToString() + listing);
    }

    [Theory]
    [InlineData("this is not xml at all")]
    [InlineData("<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\"><response><href>/book/a.vcf</href><propstat><prop><getetag>\"1\"")]
    [InlineData("<?xml version=\"1.0\"?><html><body>207</body></html>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><multistatus xmlns=\"DAV:\">&e;</multistatus>")]
    public async Task AMultistatusThatIsNotOneIsAnInvalidResponse(string body)
    {
        await using var server = FakeHttpServer.Answering(207, "application/xml", body);
        using var client = ClientFor();

        var e = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(server.Url, "/book/")));

        Assert.Equal(CardDavError.InvalidResponse, e.Error);
        Assert.Contains("where a WebDAV multistatus was expected", e.Message);
    }

    [Fact]
    public async Task XmlNestedDeeperThanAnyWebDavAnswerIsRefusedBeforeATreeIsBuilt()
    {
        // 50,000 levels inside an href: reading its text recursed once per level, and building the tree took quadratic time.
        const int Levels = 50_000;
        var body = "<multistatus xmlns=\"DAV:\"><response><href>" + string.Concat(Enumerable.Repeat("<x>", Levels)) + "/book/a.vcf"
            + string.Concat(Enumerable.Repeat("</x>", Levels)) + "</href></response></multistatus>";
        await using var server = FakeHttpServer.Answering(207, "application/xml", body);
        using var client = ClientFor();

        var e = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(server.Url, "/book/")));

        Assert.Equal(CardDavError.InvalidResponse, e.Error);
        Assert.Contains($"nested more than {DavXml.MaxDepth} elements deep", e.Message);
    }

    [Fact]
    public async Task AnAnswerThatBreaksOffIsAnInvalidResponse()
    {
        await using var server = FakeHttpServer.Answering(207, "application/xml", "<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\">", declaredLength: 5000);
        using var client = ClientFor();

        var e = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(server.Url, "/book/")));

        Assert.Equal(CardDavError.InvalidResponse, e.Error);
        Assert.Contains("broke off", e.Message);
        Assert.Equal(2, server.Requests); // a safe request is retried once
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOutWithinTheTimeout()
    {
        await using var silent = FakeHttpServer.Silent();
        await using var stalling = FakeHttpServer.StallingBody();
        using var client = ClientFor();
        var clock = Stopwatch.StartNew();

        var noAnswer = await Assert.ThrowsAsync<CardDavException>(() => client.DiscoverAsync(silent.Url));
        var noBody = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(stalling.Url, "/book/")));

        Assert.Equal((CardDavError.Timeout, CardDavError.Timeout), (noAnswer.Error, noBody.Error));
        Assert.Contains("did not answer PROPFIND within 0.5 s", noAnswer.Message);
        // Two attempts of 0.5 s and a short backoff each; far from a hang.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        Assert.Equal(2, silent.Requests);
    }

    [Fact]
    public async Task AWriteIsNotRetried()
    {
        await using var silent = FakeHttpServer.Silent();
        using var client = ClientFor();

        var e = await Assert.ThrowsAsync<CardDavException>(() => client.CreateCardAsync(new Uri(silent.Url, "/book/"), "BEGIN:VCARD\r\nEND:VCARD\r\n", "x"));

        Assert.Equal(CardDavError.Timeout, e.Error);
        Assert.Equal(1, silent.Requests);
    }

    [Fact]
    public async Task ALoopbackServerIsRefusedUnlessPrivateNetworksAreAllowed()
    {
        await using var server = FakeHttpServer.Answering(207, "application/xml", "<multistatus xmlns=\"DAV:\"/>");
        using var refused = ClientFor(allowPrivate: false);
        using var allowed = ClientFor(allowPrivate: true);

        var e = await Assert.ThrowsAsync<CardDavException>(() => refused.ListCardsAsync(new Uri(server.Url, "/book/")));
        var byName = await Assert.ThrowsAsync<CardDavException>(() => refused.ListCardsAsync(new Uri($"http://localhost:{server.Url.Port}/book/")));

        Assert.Equal((CardDavError.OutboundBlocked, CardDavError.OutboundBlocked), (e.Error, byName.Error));
        Assert.Contains("Outbound__AllowPrivateNetworks", e.Message);
        Assert.Equal((400, "outbound-blocked"), (e.ToProblem().Status, e.ToProblem().Code));
        Assert.Equal(0, server.Requests);
        Assert.Empty(await allowed.ListCardsAsync(new Uri(server.Url, "/book/")));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task ARefusedConnectionIsUnreachable()
    {
        var port = new FakeHttpServer((_, _) => Task.CompletedTask) is var probe ? probe.Url.Port : 0;
        await probe.DisposeAsync();
        using var client = ClientFor();

        var e = await Assert.ThrowsAsync<CardDavException>(() => client.DiscoverAsync(new Uri($"http://127.0.0.1:{port}/")));

        Assert.Equal(CardDavError.Unreachable, e.Error);
        Assert.Contains("could not be reached", e.Message);
        Assert.Equal((400, "carddav-unreachable", "remote"), (e.ToProblem().Status, e.ToProblem().Code, e.ToProblem().Extensions["field"]));
    }

    [Theory]
    [InlineData("ftp://example.test/book/")]
    [InlineData("webcal://example.test/book/")]
    [InlineData("file:///etc/passwd")]
    public async Task ARedirectOrHrefToAnotherSchemeIsAnInvalidResponse(string target)
    {
        await using var redirecting = FakeHttpServer.Answering(301, "text/plain", "", location: target);
        var href = $"<multistatus xmlns=\"DAV:\"><response><href>/</href><propstat><prop><current-user-principal><href>{target}</href></current-user-principal></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>";
        await using var pointing = FakeHttpServer.Answering(207, "application/xml", href);
        using var client = ClientFor();

        var redirected = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(redirecting.Url, "/book/")));
        var pointed = await Assert.ThrowsAsync<CardDavException>(() => client.DiscoverAsync(pointing.Url));

        Assert.All(new[] { redirected, pointed }, e => Assert.Equal(CardDavError.InvalidResponse, e.Error));
        Assert.Contains("reached over http or https", redirected.Message);
        Assert.Contains("reached over http or https", pointed.Message);
    }

    [Fact]
    public async Task CredentialsFollowARedirectOnTheSameOriginOnly()
    {
        const string empty = "<multistatus xmlns=\"DAV:\"/>";
        await using var elsewhere = FakeHttpServer.Answering(207, "application/xml", empty);
        await using var server = new FakeHttpServer(async (head, stream, token) =>
        {
            var answer = head.StartsWith("PROPFIND /moved/ ", StringComparison.Ordinal) ? $"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nContent-Length: {empty.Length}\r\n\r\n{empty}"
                : head.StartsWith("PROPFIND /same/ ", StringComparison.Ordinal) ? "HTTP/1.1 301 Moved\r\nLocation: /moved/\r\nContent-Length: 0\r\n\r\n"
                : $"HTTP/1.1 307 Moved\r\nLocation: {new Uri(elsewhere.Url, "/other/")}\r\nContent-Length: 0\r\n\r\n";
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(answer), token);
        });
        using var bearer = CardDavClient.Create(new OutboundTargets(true), CardDavCredentials.Bearer("tok-" + Password), Quick);
        using var basic = ClientFor();

        await bearer.ListCardsAsync(new Uri(server.Url, "/same/"));
        await basic.ListCardsAsync(new Uri(server.Url, "/away/"));

        var heads = server.Heads.ToList();
        Assert.Equal(3, heads.Count);
        Assert.Contains($"Authorization: Bearer tok-{Password}\r\n", heads[0]);
        Assert.StartsWith("PROPFIND /moved/ ", heads[1]);
        Assert.Contains($"Authorization: Bearer tok-{Password}\r\n", heads[1]);
        Assert.Contains($"Authorization: Basic {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("someone:" + Password))}\r\n", heads[2]);
        var moved = Assert.Single(elsewhere.Heads);
        Assert.StartsWith("PROPFIND /other/ ", moved);
        Assert.DoesNotContain("Authorization", moved);
    }

    [Fact]
    public async Task AnAnswerOverTheSizeCapIsRefused()
    {
        var big = "<multistatus xmlns=\"DAV:\">" + string.Concat(Enumerable.Repeat("<response><href>/book/x.vcf</href></response>", 100)) + "</multistatus>";
        await using var declared = FakeHttpServer.Answering(207, "application/xml", big);
        await using var chunked = new FakeHttpServer(async (stream, token) =>
        {
            var chunk = System.Text.Encoding.UTF8.GetBytes(big);
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n{chunk.Length:X}\r\n"), token);
            await stream.WriteAsync(chunk, token);
            await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray(), token);
        });
        using var client = CardDavClient.Create(new OutboundTargets(true), CardDavCredentials.Basic("someone", Password), Quick with { MaxResponseBytes = 1000 });

        var byLength = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(declared.Url, "/book/")));
        var byCount = await Assert.ThrowsAsync<CardDavException>(() => client.ListCardsAsync(new Uri(chunked.Url, "/book/")));

        Assert.Equal((CardDavError.ResponseTooLarge, CardDavError.ResponseTooLarge), (byLength.Error, byCount.Error));
        Assert.Contains("more than 1000 bytes", byCount.Message);
    }

    [Theory]
    [InlineData(200, "b-from-get")]
    [InlineData(500, null)]
    public async Task OnlyACardTheServerSaysIsGoneIsMissingOthersAreReadByGetOrFailTheFetch(int getStatus, string? expectedEtag)
    {
        // The report answers a with its card, b with a per-card error (no data), c as gone, and leaves d out.
        const string report = "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\">"
            + "<response><href>/book/a.vcf</href><propstat><prop><getetag>\"a1\"</getetag><C:address-data>BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:A\r\nEND:VCARD\r\n</C:address-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>"
            + "<response><href>/book/b.vcf</href><propstat><prop><getetag/><C:address-data/></prop><status>HTTP/1.1 500 Internal Server Error</status></propstat></response>"
            + "<response><href>/book/c.vcf</href><status>HTTP/1.1 404 Not Found</status></response>"
            + "</multistatus>";
        const string card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:X\r\nEND:VCARD\r\n";
        await using var server = new FakeHttpServer(async (head, stream, token) =>
        {
            var answer = head.StartsWith("REPORT ", StringComparison.Ordinal)
                ? $"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nContent-Length: {System.Text.Encoding.UTF8.GetByteCount(report)}\r\n\r\n{report}"
                : head.StartsWith("GET /book/d.vcf ", StringComparison.Ordinal)
                    ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                    : $"HTTP/1.1 {getStatus} Whatever\r\nContent-Type: text/vcard\r\nETag: \"b-from-get\"\r\nContent-Length: {card.Length}\r\n\r\n{card}";
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(answer), token);
        });
        using var client = ClientFor();
        var hrefs = new[] { "a", "b", "c", "d" }.Select(n => new Uri(server.Url, $"/book/{n}.vcf")).ToList();

        if (expectedEtag is null)
        {
            // b cannot be read: the fetch fails rather than call it deleted (the sync would bin its record).
            Assert.Equal(CardDavError.ServerError, (await Assert.ThrowsAsync<CardDavException>(() => client.MultigetAsync(new Uri(server.Url, "/book/"), hrefs))).Error);
            return;
        }

        var result = await client.MultigetAsync(new Uri(server.Url, "/book/"), hrefs);
        Assert.Equal(["/book/a.vcf", "/book/b.vcf"], result.Cards.Select(c => c.Href.AbsolutePath));
        Assert.Equal("\"b-from-get\"", result.Cards[1].ETag);
        Assert.Equal(["/book/c.vcf", "/book/d.vcf"], result.Missing.Select(h => h.AbsolutePath));
        Assert.DoesNotContain(server.Heads, h => h.StartsWith("GET /book/c.vcf ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMultigetAnswerOverTheSizeCapIsFetchedInHalvesAndACardOverItAloneIsLeftOut()
    {
        // Each card is about 200 bytes, "big" about 2,000; an answer may have 1,000 bytes.
        string Card(string name) => $"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{name}\r\nFN:{name}\r\nNOTE:{new string('x', name == "big" ? 2000 : 10)}\r\nEND:VCARD\r\n";
        await using var server = new FakeHttpServer(async (head, stream, token) =>
        {
            var names = System.Text.RegularExpressions.Regex.Matches(head, "/book/([a-z]+)\\.vcf<").Select(m => m.Groups[1].Value);
            var body = "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\">" + string.Concat(names.Select(n =>
                $"<response><href>/book/{n}.vcf</href><propstat><prop><getetag>\"{n}\"</getetag><C:address-data>{Card(n)}</C:address-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>")) + "</multistatus>";
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nContent-Length: {bytes.Length}\r\n\r\n"), token);
            await stream.WriteAsync(bytes, token);
        });
        using var client = CardDavClient.Create(new OutboundTargets(true), CardDavCredentials.Basic("someone", Password), Quick with { MaxResponseBytes = 1000 });

        var result = await client.MultigetAsync(new Uri(server.Url, "/book/"), new[] { "a", "b", "big", "c" }.Select(n => new Uri(server.Url, $"/book/{n}.vcf")));

        Assert.Equal(["a", "b", "c"], result.Cards.Select(c => c.ETag.Trim('"')));
        Assert.Empty(result.Missing);
        Assert.Equal("/book/big.vcf", Assert.Single(result.TooLarge).AbsolutePath);
    }

    [Fact]
    public async Task ACardListedWithoutAnETagIsListedNotLeftOut()
    {
        const string listing = "<multistatus xmlns=\"DAV:\">"
            + "<response><href>/book/</href><propstat><prop><resourcetype><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response>"
            + "<response><href>/book/a.vcf</href><propstat><prop><getetag>\"a1\"</getetag><resourcetype/></prop><status>HTTP/1.1 200 OK</status></propstat></response>"
            + "<response><href>/book/b.vcf</href><propstat><prop><resourcetype/></prop><status>HTTP/1.1 200 OK</status></propstat><propstat><prop><getetag/></prop><status>HTTP/1.1 404 Not Found</status></propstat></response>"
            + "</multistatus>";
        await using var server = FakeHttpServer.Answering(207, "application/xml", listing);
        using var client = ClientFor();

        var cards = await client.ListCardsAsync(new Uri(server.Url, "/book/"));

        Assert.Equal([("/book/a.vcf", "\"a1\""), ("/book/b.vcf", "")], cards.Select(c => (c.Href.AbsolutePath, c.ETag)));
    }

    [Fact]
    public void CredentialsNeverShowTheirSecret()
    {
        Assert.Equal("Basic someone:***", CardDavCredentials.Basic("someone", Password).ToString());
        Assert.Equal("Bearer ***", CardDavCredentials.Bearer("tok-123").ToString());
    }
}
