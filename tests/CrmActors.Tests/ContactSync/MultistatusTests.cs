using CrmActors.Grains.ContactSync.CardDav;

namespace CrmActors.Tests.ContactSync;

/// <summary>Multistatus answers as Nextcloud (sabre/dav, prefixed), iCloud (default namespace, absolute URLs) and others write them.</summary>
public class MultistatusTests
{
    private static readonly Uri Book = new("https://cloud.example.com/remote.php/dav/addressbooks/users/jane/contacts/");

    private const string Sabre = """
        <?xml version="1.0"?>
        <d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:oc="http://owncloud.org/ns">
         <d:response>
          <d:href>/remote.php/dav/addressbooks/users/jane/contacts/abc%40example.com.vcf</d:href>
          <d:propstat><d:prop><d:getetag>&quot;5f2b7c&quot;</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
         </d:response>
         <d:response>
          <d:href>/remote.php/dav/addressbooks/users/jane/contacts/%E5%B1%B1%E7%94%B0.vcf</d:href>
          <d:status>HTTP/1.1 404 Not Found</d:status>
         </d:response>
         <d:sync-token>http://sabre.io/ns/sync/42</d:sync-token>
        </d:multistatus>
        """;

    private const string ICloud = """
        <?xml version="1.0" encoding="UTF-8"?>
        <multistatus xmlns="DAV:">
          <response xmlns="DAV:">
            <href>https://p42-contacts.icloud.com:443/123456789/carddavhome/card/</href>
            <propstat>
              <prop><resourcetype><collection/><addressbook xmlns="urn:ietf:params:xml:ns:carddav"/></resourcetype>
                <displayname>Card</displayname>
                <getctag xmlns="http://calendarserver.org/ns/">HwoQEgwAAB</getctag></prop>
              <status>HTTP/1.1 200 OK</status>
            </propstat>
            <propstat>
              <prop><sync-token/></prop>
              <status>HTTP/1.1 404 Not Found</status>
            </propstat>
          </response>
          <response><href>card.vcf</href><propstat><prop><getetag>W/"weak-1"</getetag></prop><status>HTTP/1.1 200 OK</status></propstat></response>
        </multistatus>
        """;

    [Fact]
    public void PrefixedNamespacesEncodedHrefsAndDeletionsAreRead()
    {
        var result = Multistatus.Parse(Sabre, Book);

        Assert.Equal("http://sabre.io/ns/sync/42", result.SyncToken);
        Assert.Equal(new Uri(Book, "abc@example.com.vcf"), result.Responses[0].Href);
        Assert.Equal("\"5f2b7c\"", result.Responses[0].Text(DavXml.Dav + "getetag"));
        Assert.Null(result.Responses[0].Status);
        Assert.Equal(new Uri(Book, "山田.vcf").AbsoluteUri, result.Responses[1].Href.AbsoluteUri);
        Assert.Equal(404, result.Responses[1].Status);
    }

    [Fact]
    public void DefaultNamespacesAbsoluteAndRelativeHrefsAndFailedPropertiesAreRead()
    {
        var request = new Uri("https://p42-contacts.icloud.com/123456789/carddavhome/card/");

        var result = Multistatus.Parse(ICloud, request);

        var book = result.Responses[0];
        Assert.Equal(request, book.Href);
        Assert.True(book.HasResourceType(DavXml.CardDav + "addressbook"));
        Assert.Equal(("Card", "HwoQEgwAAB"), (book.Text(DavXml.Dav + "displayname"), book.Text(DavXml.CalendarServer + "getctag")));
        Assert.Null(book.Property(DavXml.Dav + "sync-token"));
        Assert.Equal(new Uri(request, "card.vcf"), result.Responses[1].Href);
        Assert.Equal("W/\"weak-1\"", result.Responses[1].Text(DavXml.Dav + "getetag"));
    }

    [Theory]
    [InlineData("/dav/jane/contacts/a%40b.vcf", "/dav/jane/contacts/a@b.vcf")]
    [InlineData("https://Host.Example:443/dav/jane/contacts/x%20y.vcf", "/dav/jane/contacts/x y.vcf")]
    [InlineData("%E5%B1%B1%E7%94%B0.vcf", "山田.vcf")]
    [InlineData("../contacts/c.vcf", "c.vcf")]
    public void TheSameResourceSpelledTwoWaysIsOneHref(string one, string other)
    {
        var request = new Uri("https://host.example/dav/jane/contacts/");

        Assert.Equal(DavHref.Resolve(request, one), DavHref.Resolve(request, other));
    }

    [Fact]
    public void ACardWithAnAwkwardUidGetsASafeResourceName()
    {
        Assert.Equal("0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9.vcf", CardDavClient.ResourceNameFor("urn:uuid:0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9"));
        Assert.Equal("B3E9F4A1-2C5D.vcf", CardDavClient.ResourceNameFor("B3E9F4A1-2C5D"));
        var odd = CardDavClient.ResourceNameFor("8A5F:ABPerson/../x");
        Assert.Matches("^[0-9a-f]{32}\\.vcf$", odd);
        Assert.Equal(odd, CardDavClient.ResourceNameFor("8A5F:ABPerson/../x"));
    }
}
