namespace CrmActors.Grains.ContactSync.CardDav;

public sealed partial class CardDavClient
{
    private const int MaxSyncRounds = 1000;

    /// <summary>
    /// What changed since the last run. With a stored token (or none, on a first run) it asks
    /// sync-collection; when the server lacks it (<paramref name="supportsSyncCollection"/> false, 501,
    /// 405, DAV:supported-report) or rejects the token (403/409 DAV:valid-sync-token), it lists every
    /// card's ETag and compares with <paramref name="knownETags"/> instead. Cards whose ETag equals the
    /// known one (our own writes) are left out; deletions are hrefs gone from the server.
    /// </summary>
    /// <param name="knownETags">The pair's link table: canonical href (<see cref="DavHref.Normalize"/>) → last seen ETag.</param>
    public async Task<CardChanges> GetChangesAsync(Uri addressBook, string? syncToken, IReadOnlyDictionary<Uri, string> knownETags,
        bool supportsSyncCollection = true, CancellationToken cancellationToken = default)
    {
        string? reason = null;
        if (supportsSyncCollection)
        {
            try
            {
                var changed = new Dictionary<Uri, CardRef>();
                var deleted = new HashSet<Uri>();
                var token = syncToken;
                for (var round = 0; ; round++)
                {
                    var result = await SyncCollectionAsync(addressBook, token, cancellationToken);
                    foreach (var card in result.Changed)
                    {
                        deleted.Remove(card.Href);
                        changed[card.Href] = card;
                    }

                    foreach (var href in result.Deleted)
                    {
                        changed.Remove(href);
                        deleted.Add(href);
                    }

                    token = result.SyncToken;
                    if (!result.Truncated || round >= MaxSyncRounds)
                    {
                        break;
                    }
                }

                if (syncToken is null)
                {
                    // A first sync-collection lists every member; what we knew and it did not list is gone.
                    deleted.UnionWith(knownETags.Keys.Select(DavHref.Normalize).Where(k => !changed.ContainsKey(k)));
                }

                return new CardChanges(
                    [.. changed.Values.Where(c => !knownETags.TryGetValue(c.Href, out var etag) || etag != c.ETag)],
                    [.. deleted], token, ChangeSource.SyncCollection, null);
            }
            catch (CardDavException e) when (e.Error is CardDavError.SyncTokenInvalid or CardDavError.NotSupported)
            {
                reason = e.Message;
            }
        }

        reason ??= "The address book does not advertise sync-collection.";
        // The token is read before the listing, so a change made while listing shows up again next run rather than never.
        var book = await GetAddressBookAsync(addressBook, cancellationToken);
        var listed = await ListCardsAsync(addressBook, cancellationToken);
        var present = listed.Select(c => c.Href).ToHashSet();
        return new CardChanges(
            [.. listed.Where(c => !knownETags.TryGetValue(c.Href, out var etag) || etag != c.ETag)],
            [.. knownETags.Keys.Select(DavHref.Normalize).Where(k => !present.Contains(k)).Distinct()],
            supportsSyncCollection ? book.SyncToken : null, ChangeSource.FullListing, reason);
    }

    /// <summary>One sync-collection REPORT (RFC 6578): changed members with ETags, removed members (404) and the new token.</summary>
    public async Task<SyncCollectionResult> SyncCollectionAsync(Uri addressBook, string? syncToken, CancellationToken cancellationToken = default)
    {
        var book = DavHref.Normalize(addressBook);
        var reply = await transport.SendAsync(new HttpMethod("REPORT"), book, DavXml.Serialize(DavXml.SyncCollection(syncToken, DavXml.Dav + "getetag")),
            null, Depth("0"), cancellationToken);
        if (reply.Status is 403 or 409 && reply.HasPrecondition(DavXml.Dav + "valid-sync-token"))
        {
            throw new CardDavException(CardDavError.SyncTokenInvalid, $"The server at {CardDavException.Describe(book)} rejected the sync token ({reply.Status}); a full listing is needed.", reply.Status);
        }

        if (reply.Status is 501 or 405 or 400 || (reply.Status is 403 or 409 && reply.HasPrecondition(DavXml.Dav + "supported-report")))
        {
            throw new CardDavException(CardDavError.NotSupported, $"The server at {CardDavException.Describe(book)} does not support sync-collection ({reply.Status}).", reply.Status);
        }

        var multistatus = CardDavTransport.ExpectMultistatus(reply, "report changes (sync-collection)");
        var token = multistatus.SyncToken
            ?? throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(book)} answered sync-collection without a sync-token.");
        var changed = new List<CardRef>();
        var deleted = new List<Uri>();
        var truncated = false;
        foreach (var response in multistatus.Responses)
        {
            if (DavHref.SameResource(response.Href, book))
            {
                truncated |= response.Status == 507;
                continue;
            }

            if (response.Status == 404)
            {
                deleted.Add(response.Href);
            }
            else
            {
                // A change without its ETag is still a change: the card is fetched, and the fetch brings the ETag.
                changed.Add(new CardRef(response.Href, response.Text(DavXml.Dav + "getetag") ?? ""));
            }
        }

        return new SyncCollectionResult(token, changed, deleted, truncated);
    }

    /// <summary>
    /// Every card in the address book with its ETag (PROPFIND Depth 1), sub-collections left out. A card listed without an
    /// ETag has "" (it differs from any known one, so it is fetched); leaving it out would read as the card being deleted.
    /// </summary>
    public async Task<IReadOnlyList<CardRef>> ListCardsAsync(Uri addressBook, CancellationToken cancellationToken = default)
    {
        var book = DavHref.Normalize(addressBook);
        var reply = await transport.SendAsync(new HttpMethod("PROPFIND"), book, DavXml.Serialize(DavXml.Propfind(DavXml.Dav + "getetag", DavXml.Dav + "resourcetype")),
            null, Depth("1"), cancellationToken);
        return [.. CardDavTransport.ExpectMultistatus(reply, "list the cards").Responses
            .Where(r => !DavHref.SameResource(r.Href, book) && r.Status is not (404 or 410) && !r.HasResourceType(DavXml.Dav + "collection"))
            .Select(r => new CardRef(r.Href, r.Text(DavXml.Dav + "getetag") ?? ""))];
    }
}
