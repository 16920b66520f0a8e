namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>
/// A failed CardDAV request. The message names the server (scheme, host, path; never user info,
/// query or credentials) and what to check.
/// </summary>
public class CardDavException : Exception
{
    public CardDavException(CardDavError error, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
        StatusCode = statusCode;
    }

    public CardDavError Error { get; }

    /// <summary>The HTTP status, when the server answered.</summary>
    public int? StatusCode { get; }

    /// <summary>Scheme, host and path of a URL, for messages and logs.</summary>
    public static string Describe(Uri uri) => uri.IsAbsoluteUri ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}" : uri.OriginalString;
}

/// <summary>412 Precondition Failed on a conditional write: someone else changed (or created) the card. Re-read it and resolve.</summary>
public sealed class CardDavPreconditionFailedException(Uri href, string message)
    : CardDavException(CardDavError.PreconditionFailed, message, 412)
{
    public Uri Href { get; } = href;
}
