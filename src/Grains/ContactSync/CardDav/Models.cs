namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>What discovery found: the principal, its address-book home(s) and the address books in them.</summary>
public sealed record CardDavAccount(Uri Principal, IReadOnlyList<Uri> HomeSets, IReadOnlyList<AddressBookInfo> AddressBooks);

/// <summary>One address book collection. <see cref="SupportsSyncCollection"/> comes from DAV:supported-report-set (or a sync-token when the server lists no reports).</summary>
public sealed record AddressBookInfo(Uri Href, string? DisplayName, string? Description, string? CTag, string? SyncToken, bool SupportsSyncCollection, bool SupportsMultiget);

/// <summary>A card's href and the ETag the server gave for it.</summary>
public sealed record CardRef(Uri Href, string ETag);

/// <summary>A card's href, ETag and vCard text as the server stores it.</summary>
public sealed record CardResource(Uri Href, string ETag, string Data);

/// <summary>The cards a multiget returned, the hrefs the server said are gone (404, 410), and those of cards too large to fetch.</summary>
public sealed record MultigetResult(List<CardResource> Cards, List<Uri> Missing, List<Uri> TooLarge);

/// <summary>One RFC 6578 answer: what changed or was removed since the token, and the new token. <see cref="Truncated"/> means more changes wait (507): ask again with <see cref="SyncToken"/>.</summary>
public sealed record SyncCollectionResult(string SyncToken, IReadOnlyList<CardRef> Changed, IReadOnlyList<Uri> Deleted, bool Truncated);

public enum ChangeSource
{
    /// <summary>RFC 6578 sync-collection from the stored token.</summary>
    SyncCollection,

    /// <summary>A full listing (PROPFIND Depth 1 getetag) compared with the known ETags.</summary>
    FullListing,
}

/// <summary>
/// Changes in an address book since the last run: cards new or changed (ETag differs from the known one),
/// hrefs removed, and the token to store for next time (null if the server has none).
/// <see cref="FallbackReason"/> says why a full listing replaced sync-collection, for the pair's status.
/// </summary>
public sealed record CardChanges(IReadOnlyList<CardRef> Changed, IReadOnlyList<Uri> Deleted, string? SyncToken, ChangeSource Source, string? FallbackReason);
