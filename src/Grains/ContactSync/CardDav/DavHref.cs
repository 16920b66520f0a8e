using System.Text;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>
/// Hrefs as one canonical absolute URI: a multistatus may give an absolute URL, an absolute path or a
/// relative one, and may percent-encode '@' or a non-ASCII name where our request did not. Each path
/// segment is decoded and re-encoded the one same way, so the same resource always compares equal.
/// </summary>
public static class DavHref
{
    private const string SegmentSafe = "-._~!$&'()*+,;=:@";

    public static Uri Resolve(Uri baseUri, string href)
    {
        var trimmed = href.Trim();
        if (!Uri.TryCreate(baseUri, trimmed, out var resolved))
        {
            throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(baseUri)} answered with an unreadable href.");
        }

        // A redirect or a property may name any URI; a CardDAV resource is reached over HTTP(S) only.
        if (resolved.Scheme is not ("http" or "https"))
        {
            throw new CardDavException(CardDavError.InvalidResponse,
                $"The server at {CardDavException.Describe(baseUri)} pointed to a {resolved.Scheme}: address; a CardDAV server is reached over http or https.");
        }

        return Normalize(resolved);
    }

    public static Uri Normalize(Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/').Select(s => EscapeSegment(Uri.UnescapeDataString(s)));
        var server = uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        return new Uri(server + string.Join('/', segments) + uri.Query);
    }

    /// <summary>A child of a collection: <paramref name="collection"/> with a trailing slash, plus the escaped name.</summary>
    public static Uri Child(Uri collection, string name, bool isCollection = false)
    {
        var basePath = collection.AbsoluteUri.EndsWith('/') ? collection : new Uri(collection.AbsoluteUri + "/");
        return Normalize(new Uri(basePath, EscapeSegment(name) + (isCollection ? "/" : "")));
    }

    public static bool SameResource(Uri a, Uri b) =>
        string.Equals(Normalize(a).AbsoluteUri.TrimEnd('/'), Normalize(b).AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);

    private static string EscapeSegment(string segment)
    {
        var sb = new StringBuilder(segment.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in segment.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || SegmentSafe.Contains((char)rune.Value)))
            {
                sb.Append((char)rune.Value);
                continue;
            }

            var n = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..n])
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
