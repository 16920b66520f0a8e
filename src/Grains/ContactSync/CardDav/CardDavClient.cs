using System.Xml.Linq;
using CrmActors.Grains.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>
/// A CardDAV client (RFC 6352, RFC 6578, the RFC 4918 subset they use) for one account: discovery,
/// address books, changes since a sync token (or by ETag comparison), multiget, conditional writes.
/// Build it with <see cref="Create"/> so connections go only to addresses <see cref="OutboundTargets"/>
/// allows, or pass an <see cref="HttpClient"/> whose handler does the same.
/// </summary>
public sealed partial class CardDavClient : IDisposable
{
    private static readonly XName[] AddressBookProperties =
    [
        DavXml.Dav + "resourcetype", DavXml.Dav + "displayname", DavXml.CardDav + "addressbook-description",
        DavXml.CalendarServer + "getctag", DavXml.Dav + "sync-token", DavXml.Dav + "supported-report-set",
    ];

    private readonly CardDavTransport transport;
    private readonly CardDavClientOptions options;
    private readonly HttpClient? owned;

    public CardDavClient(HttpClient http, CardDavCredentials credentials, CardDavClientOptions? options = null, ILogger<CardDavClient>? logger = null)
        : this(http, credentials, options, logger, owned: false)
    {
    }

    private CardDavClient(HttpClient http, CardDavCredentials credentials, CardDavClientOptions? options, ILogger? logger, bool owned)
    {
        this.options = options ?? new CardDavClientOptions();
        transport = new CardDavTransport(http, credentials, this.options, logger ?? NullLogger.Instance);
        this.owned = owned ? http : null;
    }

    /// <summary>A client with its own connection pool over <see cref="OutboundHttpHandler"/>; dispose it when done.</summary>
    public static CardDavClient Create(OutboundTargets targets, CardDavCredentials credentials, CardDavClientOptions? options = null, ILogger<CardDavClient>? logger = null)
    {
        options ??= new CardDavClientOptions();
        // The transport times every attempt itself (RequestTimeout, body included); HttpClient's 100 s would only add a second clock.
        var http = new HttpClient(OutboundHttpHandler.Create(targets, options.ConnectTimeout), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return new CardDavClient(http, credentials, options, logger, owned: true);
    }

    /// <summary>Address-book homes discovery lists at most.</summary>
    public const int MaxHomeSets = 10;

    public void Dispose() => owned?.Dispose();

    /// <summary>
    /// From a URL a user typed (a host root, a server's DAV root, a principal or an address book) to the
    /// account's address books: /.well-known/carddav (RFC 6764), current-user-principal, addressbook-home-set,
    /// then the home's address books. Also the pair validation: wrong credentials give
    /// <see cref="CardDavError.Unauthorized"/>, a non-CardDAV URL <see cref="CardDavError.InvalidResponse"/>.
    /// </summary>
    public async Task<CardDavAccount> DiscoverAsync(Uri baseUrl, CancellationToken cancellationToken = default)
    {
        var start = DavHref.Normalize(baseUrl);
        var atRoot = start.AbsolutePath == "/";
        DavResponse? self = null;
        if (!atRoot)
        {
            self = await TryPrincipalAsync(start, cancellationToken);
        }

        if (self is null || FirstHref(self, DavXml.Dav + "current-user-principal", start) is null)
        {
            self = await TryPrincipalAsync(new Uri(start, "/.well-known/carddav"), cancellationToken) ?? self;
        }

        if (atRoot && (self is null || FirstHref(self, DavXml.Dav + "current-user-principal", start) is null))
        {
            self = await TryPrincipalAsync(start, cancellationToken) ?? self;
        }

        if (self is null)
        {
            throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(start)} does not answer CardDAV discovery (PROPFIND current-user-principal); give the address book's URL.");
        }

        if (self.HasResourceType(DavXml.CardDav + "addressbook"))
        {
            // The user gave an address book itself.
            var book = await GetAddressBookAsync(self.Href, cancellationToken);
            return new CardDavAccount(FirstHref(self, DavXml.Dav + "current-user-principal", start) ?? self.Href, [], [book]);
        }

        var principal = FirstHref(self, DavXml.Dav + "current-user-principal", start)
            ?? (self.HasResourceType(DavXml.Dav + "principal") ? self.Href : null)
            ?? throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(start)} reports no current-user-principal; give the address book's URL.");

        var homes = self.Href == principal ? self.Hrefs(DavXml.CardDav + "addressbook-home-set", start) : [];
        if (homes.Count == 0)
        {
            var reply = await transport.SendAsync(new HttpMethod("PROPFIND"), principal, DavXml.Serialize(DavXml.Propfind(DavXml.CardDav + "addressbook-home-set")),
                null, Depth("0"), cancellationToken);
            var found = CardDavTransport.ExpectMultistatus(reply, "read the principal's addressbook-home-set").Responses.FirstOrDefault();
            homes = found?.Hrefs(DavXml.CardDav + "addressbook-home-set", reply.RequestUri) ?? [];
        }

        if (homes.Count == 0)
        {
            throw new CardDavException(CardDavError.InvalidResponse, $"The principal at {CardDavException.Describe(principal)} has no addressbook-home-set; the server may not offer CardDAV to this account.");
        }

        var books = new List<AddressBookInfo>();
        // An account has one home, sometimes a few (shared books); a server naming hundreds would have discovery list them all.
        foreach (var home in homes.Take(MaxHomeSets))
        {
            books.AddRange(await ListAddressBooksAsync(home, cancellationToken));
        }

        return new CardDavAccount(principal, homes, books);
    }

    /// <summary>The address books directly inside a home collection (PROPFIND Depth 1).</summary>
    public async Task<IReadOnlyList<AddressBookInfo>> ListAddressBooksAsync(Uri homeSet, CancellationToken cancellationToken = default)
    {
        var reply = await transport.SendAsync(new HttpMethod("PROPFIND"), DavHref.Normalize(homeSet), DavXml.Serialize(DavXml.Propfind(AddressBookProperties)), null, Depth("1"), cancellationToken);
        return [.. CardDavTransport.ExpectMultistatus(reply, "list the address books").Responses
            .Where(r => r.HasResourceType(DavXml.CardDav + "addressbook"))
            .Select(ToAddressBook)];
    }

    /// <summary>One address book's properties (PROPFIND Depth 0): validates a pair's address book and reads its current sync-token.</summary>
    public async Task<AddressBookInfo> GetAddressBookAsync(Uri addressBook, CancellationToken cancellationToken = default)
    {
        var reply = await transport.SendAsync(new HttpMethod("PROPFIND"), DavHref.Normalize(addressBook), DavXml.Serialize(DavXml.Propfind(AddressBookProperties)), null, Depth("0"), cancellationToken);
        var response = CardDavTransport.ExpectMultistatus(reply, "read the address book").Responses.FirstOrDefault()
            ?? throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(addressBook)} answered PROPFIND with no response.");
        return response.HasResourceType(DavXml.CardDav + "addressbook")
            ? ToAddressBook(response)
            : throw new CardDavException(CardDavError.NotFound, $"{CardDavException.Describe(addressBook)} is not an address book; choose one of the account's address books.");
    }

    /// <summary>Creates an address book with extended MKCOL (RFC 5689), as Radicale, Nextcloud and others accept.</summary>
    public async Task<Uri> CreateAddressBookAsync(Uri homeSet, string name, string displayName, string? description = null, CancellationToken cancellationToken = default)
    {
        var href = DavHref.Child(homeSet, name, isCollection: true);
        var reply = await transport.SendAsync(new HttpMethod("MKCOL"), href, DavXml.Serialize(DavXml.MkcolAddressBook(displayName, description)), null, null, cancellationToken);
        return reply.Status is 201 or 200 or 204 ? href : throw CardDavTransport.Failure(reply, "create the address book");
    }

    /// <summary>Deletes a collection with everything in it.</summary>
    public async Task DeleteCollectionAsync(Uri collection, CancellationToken cancellationToken = default)
    {
        var reply = await transport.SendAsync(HttpMethod.Delete, DavHref.Normalize(collection), null, null, null, cancellationToken);
        if (!reply.IsSuccess && reply.Status != 404)
        {
            throw CardDavTransport.Failure(reply, "delete the collection");
        }
    }

    private async Task<DavResponse?> TryPrincipalAsync(Uri uri, CancellationToken cancellationToken)
    {
        var reply = await transport.SendAsync(new HttpMethod("PROPFIND"), uri,
            DavXml.Serialize(DavXml.Propfind(DavXml.Dav + "current-user-principal", DavXml.Dav + "resourcetype", DavXml.CardDav + "addressbook-home-set")),
            null, Depth("0"), cancellationToken);
        if (reply.Status is 401)
        {
            throw CardDavTransport.Failure(reply, "discover the address books");
        }

        return reply.Status == 207 ? Multistatus.Parse(reply.Body, reply.RequestUri).Responses.FirstOrDefault() : null;
    }

    private static Uri? FirstHref(DavResponse response, XName name, Uri requestUri) => response.Hrefs(name, requestUri).FirstOrDefault();

    private static AddressBookInfo ToAddressBook(DavResponse r)
    {
        var reports = r.SupportedReports;
        var token = r.Text(DavXml.Dav + "sync-token");
        return new AddressBookInfo(r.Href, r.Text(DavXml.Dav + "displayname"), r.Text(DavXml.CardDav + "addressbook-description"),
            r.Text(DavXml.CalendarServer + "getctag"), string.IsNullOrEmpty(token) ? null : token,
            reports.Count == 0 ? !string.IsNullOrEmpty(token) : reports.Contains(DavXml.Dav + "sync-collection"),
            reports.Count == 0 || reports.Contains(DavXml.CardDav + "addressbook-multiget"));
    }

    private static Dictionary<string, string> Depth(string depth) => new() { ["Depth"] = depth };
}
