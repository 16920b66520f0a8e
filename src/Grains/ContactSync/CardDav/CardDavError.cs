namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>What went wrong talking to a CardDAV server; the sync maps each to a status message or a 4xx on pair validation.</summary>
public enum CardDavError
{
    /// <summary>The host is refused by the outbound rules (private or loopback address).</summary>
    OutboundBlocked,

    /// <summary>No connection: DNS, refused, TLS.</summary>
    Unreachable,

    /// <summary>No complete answer within the request timeout.</summary>
    Timeout,

    /// <summary>401: wrong user name, password or token.</summary>
    Unauthorized,

    /// <summary>403 other than a sync-token or report precondition.</summary>
    Forbidden,

    NotFound,

    /// <summary>412: the ETag in If-Match is stale, or If-None-Match: * met an existing card. Re-read and resolve.</summary>
    PreconditionFailed,

    /// <summary>sync-collection refused the token (403/409 DAV:valid-sync-token): do a full listing.</summary>
    SyncTokenInvalid,

    /// <summary>The server does not do what was asked (sync-collection, extended MKCOL): 501, 405 or DAV:supported-report.</summary>
    NotSupported,

    /// <summary>An answer that is not what WebDAV promises: not XML, HTML, truncated, missing elements.</summary>
    InvalidResponse,

    ResponseTooLarge,

    /// <summary>Any other 4xx.</summary>
    Rejected,

    /// <summary>5xx.</summary>
    ServerError,
}
