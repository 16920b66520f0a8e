using System.Net;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.ContactSync.VCards;

namespace CrmActors.Tests.ContactSync;

/// <summary>The CardDAV client against the real Radicale; each test works in an address book of its own.</summary>
public sealed class CardDavRadicaleTests : IAsyncLifetime
{
    private CardDavClient client = null!;
    private Uri book = null!;

    public async Task InitializeAsync()
    {
        if (!RadicaleServer.IsConfigured && !RadicaleServer.InCi)
        {
            return; // skipped test
        }

        client = RadicaleServer.Client();
        book = await RadicaleServer.NewAddressBookAsync(client);
    }

    public async Task DisposeAsync()
    {
        if (client is not null)
        {
            await client.DeleteCollectionAsync(book);
            client.Dispose();
        }
    }

    [RadicaleFact]
    public async Task DiscoveryFromTheRootUrlFindsTheAccountsAddressBooks()
    {
        var account = await client.DiscoverAsync(RadicaleServer.Url);

        Assert.Equal(RadicaleServer.Home, account.Principal);
        Assert.Equal([RadicaleServer.Home], account.HomeSets);
        var found = Assert.Single(account.AddressBooks, b => b.Href == book);
        Assert.Equal(RadicaleServer.BookName, found.DisplayName);
        Assert.Equal("Created by the contact-sync tests", found.Description);
        Assert.True(found.SupportsSyncCollection);
        Assert.True(found.SupportsMultiget);
        Assert.StartsWith("http://radicale.org/ns/sync/", found.SyncToken);
        Assert.NotNull(found.CTag);

        var direct = await client.DiscoverAsync(book);
        Assert.Equal(book, Assert.Single(direct.AddressBooks).Href);
    }

    [RadicaleFact]
    public async Task WrongCredentialsAreUnauthorizedAndTheMessageHoldsNoSecret()
    {
        const string wrong = "not-the-password-3141";
        using var intruder = RadicaleServer.Client(password: wrong);

        var e = await Assert.ThrowsAsync<CardDavException>(() => intruder.DiscoverAsync(RadicaleServer.Url));

        Assert.Equal((CardDavError.Unauthorized, 401), (e.Error, e.StatusCode));
        Assert.DoesNotContain(wrong, e.ToString());
        Assert.DoesNotContain(RadicaleServer.Password, e.ToString());
        Assert.Contains("check the user name and password", e.Message);
        Assert.Equal((400, "carddav-unauthorized", 401), (e.ToProblem().Status, e.ToProblem().Code, e.ToProblem().Extensions["remoteStatus"]));
    }

    [RadicaleFact]
    public async Task CardsAreCreatedUpdatedAndDeletedUnderTheirETags()
    {
        var card = NewCard("crud", "Jane", "jane@example.com");

        var created = await client.CreateCardAsync(book, card.ToString(), card.Uid!);
        var read = await client.GetCardAsync(created.Href);
        var updated = await client.UpdateCardAsync(created.Href, card.WithFields(card.ToFields() with { Title = "CFO" }).ToString(), created.ETag);
        var stale = await Assert.ThrowsAsync<CardDavPreconditionFailedException>(() => client.UpdateCardAsync(created.Href, card.ToString(), created.ETag));
        var staleDelete = await Assert.ThrowsAsync<CardDavPreconditionFailedException>(() => client.DeleteCardAsync(created.Href, created.ETag));

        Assert.Equal(DavHref.Child(book, "crud.vcf"), created.Href);
        Assert.Equal((created.ETag, "crud"), (read!.ETag, VCard.Parse(read.Data).Uid));
        Assert.NotEqual(created.ETag, updated.ETag);
        Assert.Equal((412, created.Href), (stale.StatusCode, stale.Href));
        Assert.Equal(CardDavError.PreconditionFailed, staleDelete.Error);
        Assert.Equal("CFO", VCard.Parse((await client.GetCardAsync(created.Href))!.Data).ToFields().Title);
        Assert.True(await client.DeleteCardAsync(created.Href, updated.ETag));
        Assert.False(await client.DeleteCardAsync(created.Href, null));
        Assert.Null(await client.GetCardAsync(created.Href));
    }

    [RadicaleFact]
    public async Task CreatingACardWhoseResourceExistsIsRefusedNotDuplicated()
    {
        var card = NewCard("urn:uuid:0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9", "Jane", "jane@example.com");
        await client.CreateCardAsync(book, card.ToString(), card.Uid!);

        // A create repeated after a crash meets the first one.
        await Assert.ThrowsAsync<CardDavPreconditionFailedException>(() => client.CreateCardAsync(book, card.ToString(), card.Uid!));

        Assert.Equal(DavHref.Child(book, "0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9.vcf"), Assert.Single(await client.ListCardsAsync(book)).Href);
    }

    [RadicaleFact]
    public async Task SyncCollectionReportsOnlyWhatChangedSinceTheTokenIncludingDeletions()
    {
        var a = await CreateAsync("a");
        var b = await CreateAsync("b");
        var first = await client.SyncCollectionAsync(book, null);
        var c = await CreateAsync("c");
        var a2 = await client.UpdateCardAsync(a.Href, NewCard("a", "Alice", "alice@new.example").ToString(), a.ETag);
        await client.DeleteCardAsync(b.Href, b.ETag);

        var next = await client.SyncCollectionAsync(book, first.SyncToken);
        var quiet = await client.SyncCollectionAsync(book, next.SyncToken);

        Assert.Equal([a.Href, b.Href], first.Changed.Select(x => x.Href).Order(UriOrder));
        Assert.Equal([a2, c], next.Changed.OrderBy(x => x.Href, UriOrder));
        Assert.Equal([b.Href], next.Deleted);
        Assert.NotEqual(first.SyncToken, next.SyncToken);
        Assert.Empty(quiet.Changed);
        Assert.Empty(quiet.Deleted);
    }

    [RadicaleFact]
    public async Task ChangesLeaveOutOurOwnWritesAndFollowTheStoredToken()
    {
        var a = await CreateAsync("a");
        var start = await client.GetChangesAsync(book, null, new Dictionary<Uri, string>());
        var known = new Dictionary<Uri, string> { [a.Href] = a.ETag };
        var ours = await CreateAsync("ours");
        known[ours.Href] = ours.ETag;
        var theirs = await CreateAsync("theirs");

        var changes = await client.GetChangesAsync(book, start.SyncToken, known);

        Assert.Equal((ChangeSource.SyncCollection, null), (start.Source, start.FallbackReason));
        Assert.Equal([a], start.Changed);
        Assert.Equal([theirs], changes.Changed);
        Assert.Empty(changes.Deleted);
    }

    [RadicaleFact]
    public async Task ARejectedSyncTokenFallsBackToAFullListingComparedWithKnownETags()
    {
        var same = await CreateAsync("same");
        var edited = await CreateAsync("edited");
        var added = await CreateAsync("added");
        var gone = DavHref.Child(book, "gone.vcf");
        var known = new Dictionary<Uri, string> { [same.Href] = same.ETag, [edited.Href] = "\"old-etag\"", [gone] = "\"whatever\"" };

        var changes = await client.GetChangesAsync(book, "http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000", known);

        Assert.Equal(ChangeSource.FullListing, changes.Source);
        Assert.Contains("rejected the sync token (403)", changes.FallbackReason);
        Assert.Equal([added, edited], changes.Changed.OrderBy(x => x.Href, UriOrder));
        Assert.Equal([gone], changes.Deleted);
        // The token read before the listing is good for the next run.
        Assert.Empty((await client.SyncCollectionAsync(book, changes.SyncToken)).Changed);
    }

    [RadicaleFact]
    public async Task AServerWithoutSyncCollectionIsReadByETagComparison()
    {
        using var plain = RadicaleServer.Client((request, body) => request.Method.Method == "REPORT" && body.Contains("sync-collection", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.NotImplemented)
            : null);
        var a = await CreateAsync("a");
        var b = await CreateAsync("b");

        var changes = await plain.GetChangesAsync(book, "http://radicale.org/ns/sync/any", new Dictionary<Uri, string> { [a.Href] = a.ETag });

        Assert.Equal(ChangeSource.FullListing, changes.Source);
        Assert.Contains("does not support sync-collection (501)", changes.FallbackReason);
        Assert.Equal([b], changes.Changed);
    }

    [RadicaleFact]
    public async Task MultigetFetchesCardsInBatchesAndNamesTheMissingOnes()
    {
        using var batched = CardDavClient.Create(new Grains.Outbound.OutboundTargets(true),
            CardDavCredentials.Basic(RadicaleServer.User, RadicaleServer.Password), RadicaleServer.FastOptions with { MultigetBatchSize = 2 });
        var created = new List<CardRef>();
        foreach (var name in new[] { "m1", "m2", "m3", "m4", "m5" })
        {
            created.Add(await CreateAsync(name));
        }

        var missing = DavHref.Child(book, "missing.vcf");
        var result = await batched.MultigetAsync(book, [.. created.Select(c => c.Href), missing]);

        Assert.Equal(created, result.Cards.Select(c => new CardRef(c.Href, c.ETag)).OrderBy(c => c.Href, UriOrder));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], result.Cards.Select(c => VCard.Parse(c.Data).Uid).Order());
        Assert.Equal([missing], result.Missing);
    }

    [RadicaleFact]
    public async Task RecordedCardsKeepTheirFieldsAndUnmappedPropertiesThroughTheServer()
    {
        foreach (var sample in new[] { VCardSamples.Google, VCardSamples.ICloud, VCardSamples.Nextcloud, VCardSamples.OutlookLatin1 })
        {
            var card = VCard.Parse(sample);
            var uid = card.Uid ?? "google-sample";
            if (card.Uid is null)
            {
                card = card.WithFields(card.ToFields() with { Uid = uid });
            }

            var created = await client.CreateCardAsync(book, card.ToString(), uid);
            var stored = VCard.Parse((await client.GetCardAsync(created.Href))!.Data);

            // Radicale re-serializes what it stores (order, case, TYPE lists), so the check is by meaning, not bytes.
            // Its vobject reads Google's non-standard "\:" in URLs as a literal backslash, so URLs are compared without it.
            Assert.Equal(card.ToFields() with { Urls = [] }, stored.ToFields() with { Urls = [] });
            Assert.Equal(card.ToFields().Urls, [.. stored.ToFields().Urls.Select(u => u.Replace(@"\:", ":", StringComparison.Ordinal))]);
            foreach (var extra in card.Properties.Where(p => p.Name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || p.Is("PHOTO")))
            {
                Assert.Contains(stored.Properties, p => p.Is(extra.Name) && string.Equals(p.Group, extra.Group, StringComparison.OrdinalIgnoreCase) && p.GetText() == extra.GetText());
            }
        }
    }

    [RadicaleFact]
    public async Task AWriteAnsweredWithoutAnETagReadsTheETagAfterwards()
    {
        using var noETag = RadicaleServer.Client(null, (request, response) =>
        {
            if (request.Method == HttpMethod.Put)
            {
                response.Headers.ETag = null;
            }
        });
        var card = NewCard("no-etag", "Nora", "nora@example.com");

        var created = await noETag.CreateCardAsync(book, card.ToString(), card.Uid!);

        Assert.Equal(created, Assert.Single(await client.ListCardsAsync(book)));
    }

    private async Task<CardRef> CreateAsync(string uid)
    {
        var card = NewCard(uid, uid, $"{uid}@example.com");
        return await client.CreateCardAsync(book, card.ToString(), uid);
    }

    private static VCard NewCard(string uid, string given, string email) =>
        VCardContacts.Create(new ContactFields { Uid = uid, GivenName = given, FamilyName = "Tester", Emails = [new TypedValue(email, "work")] });

    private static readonly IComparer<Uri> UriOrder = Comparer<Uri>.Create((x, y) => string.CompareOrdinal(x.AbsoluteUri, y.AbsoluteUri));
}
