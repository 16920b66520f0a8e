using System.Net.Http.Headers;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>A complete answer, its body read within the size cap and the request timeout.</summary>
public sealed record DavReply(Uri RequestUri, int Status, HttpResponseHeaders Headers, string? ContentType, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public string? ETag => Headers.ETag?.ToString() ?? (Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null);

    public Uri? Location => Headers.Location is { } location ? DavHref.Resolve(RequestUri, location.OriginalString) : null;

    /// <summary>True when the body is a WebDAV error naming <paramref name="precondition"/> (e.g. DAV:valid-sync-token).</summary>
    public bool HasPrecondition(System.Xml.Linq.XName precondition) =>
        DavXml.TryParse(Body)?.Root is { } root && root.Name == DavXml.Dav + "error" && root.Element(precondition) is not null;
}
