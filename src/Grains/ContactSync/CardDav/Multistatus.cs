using System.Globalization;
using System.Xml.Linq;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>A parsed 207 Multi-Status (RFC 4918 §13): each response's href (canonical, see <see cref="DavHref"/>), status and properties, plus the RFC 6578 sync-token.</summary>
public sealed record Multistatus(IReadOnlyList<DavResponse> Responses, string? SyncToken)
{
    /// <summary>Parses the body of a multistatus answer to <paramref name="requestUri"/>; anything else is <see cref="CardDavError.InvalidResponse"/>.</summary>
    public static Multistatus Parse(string body, Uri requestUri)
    {
        var root = DavXml.TryParse(body)?.Root;
        if (root is null || root.Name != DavXml.Dav + "multistatus")
        {
            throw new CardDavException(CardDavError.InvalidResponse,
                $"The server at {CardDavException.Describe(requestUri)} answered with {(root is null ? "text that is not XML" : $"XML whose root is <{root.Name.LocalName}>")} where a WebDAV multistatus was expected; check that the URL is a CardDAV server.");
        }

        var responses = new List<DavResponse>();
        foreach (var response in root.Elements(DavXml.Dav + "response"))
        {
            var hrefs = response.Elements(DavXml.Dav + "href").Select(h => h.Value.Trim()).Where(h => h.Length > 0).ToList();
            if (hrefs.Count == 0)
            {
                throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(requestUri)} answered with a response without href.");
            }

            var status = ParseStatus(response.Element(DavXml.Dav + "status")?.Value);
            var propstats = response.Elements(DavXml.Dav + "propstat")
                .Select(ps => new DavPropStat(ParseStatus(ps.Element(DavXml.Dav + "status")?.Value) ?? 200, ps.Element(DavXml.Dav + "prop") ?? new XElement(DavXml.Dav + "prop")))
                .ToList();
            // RFC 4918 allows several hrefs sharing one status (deleted members in some servers).
            responses.AddRange(hrefs.Select(h => new DavResponse(DavHref.Resolve(requestUri, h), status, propstats)));
        }

        var token = root.Element(DavXml.Dav + "sync-token")?.Value.Trim();
        return new Multistatus(responses, string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>"HTTP/1.1 404 Not Found" gives 404.</summary>
    public static int? ParseStatus(string? line)
    {
        var parts = line?.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
    }
}

/// <summary>One response of a multistatus. <see cref="Status"/> is the response-level status (e.g. 404 for a member sync-collection reports deleted), null when the properties carry it.</summary>
public sealed record DavResponse(Uri Href, int? Status, IReadOnlyList<DavPropStat> PropStats)
{
    /// <summary>The property with a 2xx status, or null.</summary>
    public XElement? Property(XName name) =>
        PropStats.Where(ps => ps.Status is >= 200 and < 300).Select(ps => ps.Prop.Element(name)).FirstOrDefault(e => e is not null);

    public string? Text(XName name) => Property(name) is { } e ? e.Value.Trim() : null;

    /// <summary>The first DAV:href inside a property (current-user-principal, addressbook-home-set), resolved against the request.</summary>
    public IReadOnlyList<Uri> Hrefs(XName name, Uri requestUri) =>
        Property(name)?.Elements(DavXml.Dav + "href").Select(h => h.Value.Trim()).Where(h => h.Length > 0).Select(h => DavHref.Resolve(requestUri, h)).ToList() ?? [];

    public bool HasResourceType(XName type) => Property(DavXml.Dav + "resourcetype")?.Element(type) is not null;

    public IReadOnlyList<XName> SupportedReports =>
        Property(DavXml.Dav + "supported-report-set")?.Descendants(DavXml.Dav + "report").SelectMany(r => r.Elements()).Select(e => e.Name).ToList() ?? [];
}

public sealed record DavPropStat(int Status, XElement Prop);
