using System.Text;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.Outbound;

namespace CrmActors.Tests.ContactSync;

/// <summary>A server that hands out changes in pages (RFC 6578 §3.6: 507 on the collection means "ask again with the new token").</summary>
public class SyncCollectionPagingTests
{
    private const string FirstPage = """
        <?xml version="1.0"?><d:multistatus xmlns:d="DAV:">
        <d:response><d:href>/book/</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>
        <d:response><d:href>/book/a.vcf</d:href><d:propstat><d:prop><d:getetag>"a1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
        <d:response><d:href>/book/c.vcf</d:href><d:propstat><d:prop><d:getetag>"c1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
        <d:sync-token>urn:token:1</d:sync-token></d:multistatus>
        """;

    private const string SecondPage = """
        <?xml version="1.0"?><d:multistatus xmlns:d="DAV:">
        <d:response><d:href>/book/b.vcf</d:href><d:propstat><d:prop><d:getetag>"b1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
        <d:response><d:href>/book/a.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
        <d:sync-token>urn:token:2</d:sync-token></d:multistatus>
        """;

    [Fact]
    public async Task ATruncatedAnswerIsFollowedUntilTheLastPage()
    {
        var served = 0;
        await using var server = new FakeHttpServer(async (stream, token) =>
        {
            var body = Encoding.UTF8.GetBytes(Interlocked.Increment(ref served) == 1 ? FirstPage : SecondPage);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), token);
            await stream.WriteAsync(body, token);
        });
        using var client = CardDavClient.Create(new OutboundTargets(true), CardDavCredentials.Bearer("t"));
        var book = new Uri(server.Url, "/book/");

        var changes = await client.GetChangesAsync(book, "urn:token:0", new Dictionary<Uri, string> { [new Uri(server.Url, "/book/c.vcf")] = "\"c1\"" });

        Assert.Equal(2, server.Requests);
        Assert.Equal((ChangeSource.SyncCollection, "urn:token:2"), (changes.Source, changes.SyncToken));
        Assert.Equal([new CardRef(new Uri(server.Url, "/book/b.vcf"), "\"b1\"")], changes.Changed);
        Assert.Equal([new Uri(server.Url, "/book/a.vcf")], changes.Deleted);
        var requests = server.Heads.ToList();
        Assert.Contains(">urn:token:0<", requests[0]);
        Assert.Contains(">urn:token:1<", requests[1]);
    }
}
