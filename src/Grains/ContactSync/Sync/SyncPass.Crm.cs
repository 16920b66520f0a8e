using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.ContactSync.VCards;
using Link = CrmActors.Grains.ContactSync.Sync.SyncLinkStore.Link;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>The CRM side's changes: records edited or new since the last run, and records deleted.</summary>
internal sealed partial class SyncPass
{
    private const string CardVersion = "3.0";

    private async Task CrmChangesAsync()
    {
        if (!WritesRemote)
        {
            return;
        }

        // Records edited since their last sync, and new records whose e-mail a remote-only card has: both need the card.
        var toMerge = new List<(Link Link, SyncCrmSide.Contact Contact)>();
        var toCreate = new List<SyncCrmSide.Contact>();
        foreach (var contact in contacts.Values.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            if (handledRecords.Contains(contact.Id))
            {
                continue;
            }

            if (byRecord.TryGetValue(contact.Id, out var link))
            {
                if (link.Href is not null && (link.Synced is null || mapping.Fields.Any(f => !FieldMapping.Same(contact.Values.GetValueOrDefault(f), link.Synced.GetValueOrDefault(f)))))
                {
                    toMerge.Add((link, contact));
                }
            }
            else if (contact.Email is not null && remoteOnlyByEmail.TryGetValue(contact.Email, out var card) && card.Href is not null)
            {
                remoteOnlyByEmail.Remove(contact.Email);
                toMerge.Add((card with { RecordId = contact.Id, Synced = null }, contact));
            }
            else
            {
                toCreate.Add(contact);
            }
        }

        var room = Math.Max(0, budget - moved);
        foreach (var batch in toMerge.Take(room).Chunk(100))
        {
            var fetched = await client.MultigetAsync(Book, batch.Select(b => new Uri(b.Link.Href!)), Cancel);
            var cards = fetched.Cards.ToDictionary(c => c.Href.ToString());
            var gone = fetched.Missing.Select(h => h.ToString()).ToHashSet();
            foreach (var (link, contact) in batch)
            {
                if (cards.TryGetValue(link.Href!, out var resource) && Parse(resource) is var (_, card))
                {
                    await MergeAsync(link, contact, resource, card, mapping.Read(card), remoteItem: false);
                }
                else if (gone.Contains(link.Href!))
                {
                    await RemoteDeletedAsync(link);
                }
                else if (!cards.ContainsKey(link.Href!))
                {
                    TooLarge(new Uri(link.Href!));
                }

                await FlushIfFullAsync();
            }
        }

        if (toMerge.Count > room)
        {
            for (var i = room; i < toMerge.Count; i++)
            {
                Take(remote: false);
            }
        }

        foreach (var contact in toCreate)
        {
            await CreateCardAsync(contact);
            await FlushIfFullAsync();
        }
    }

    private async Task CreateCardAsync(SyncCrmSide.Contact contact)
    {
        if (pair.PushedTotal + pushed >= options.PushLimit)
        {
            counts = counts with { Deferred = counts.Deferred + 1 };
            if (!pushLimitReached)
            {
                pushLimitReached = true;
                limits.Add($"This pair has created {pair.PushedTotal + pushed} contacts in the address book, its limit (ContactSync:PushLimit = {options.PushLimit}); it adds no more there. Edits and deletions still sync.");
            }

            return;
        }

        if (!Take(remote: false))
        {
            return;
        }

        var uid = UidPrefix + contact.Id;
        var card = mapping.Write(VCardContacts.Create(new ContactFields { Uid = uid }, CardVersion), contact.Values, pair.Remote.Group);
        CardRef written;
        try
        {
            written = await client.CreateCardAsync(Book, card.ToString(), uid, cancellationToken: Cancel);
        }
        catch (CardDavPreconditionFailedException)
        {
            // An attempt that died after its PUT created this card: link it rather than add another.
            var existing = await client.GetCardAsync(DavHref.Child(Book, CardDavClient.ResourceNameFor(uid)), Cancel);
            if (existing is not null && Parse(existing) is var (resource, found))
            {
                moved--;
                await MergeAsync(new Link(uid, resource.Href.ToString(), null, contact.Id, contact.Email, null), contact, resource, found, mapping.Read(found), remoteItem: false);
            }

            return;
        }

        pushed++;
        counts = counts with { RemoteCreated = counts.RemoteCreated + 1 };
        Keep(new Link(uid, written.Href.ToString(), written.ETag, contact.Id, contact.Email, contact.Values));
    }

    /// <summary>Linked records no longer live: their cards are deleted (two-way, CRM → remote); a remote → CRM pair only unlinks them.</summary>
    private async Task CrmDeletionsAsync()
    {
        // A record this run created is not in the list read at its start, and is not gone.
        var gone = byRecord.Values.Where(l => !contacts.ContainsKey(l.RecordId!) && !created.Contains(l.RecordId!)).ToList();
        if (gone.Count == 0)
        {
            return;
        }

        var live = await crm.LiveAsync(actor.OrgId, gone.Select(l => l.RecordId!), Cancel);
        foreach (var link in gone.Where(l => !live.Contains(l.RecordId!)))
        {
            if (!WritesRemote || link.Href is null)
            {
                Keep(link with { RecordId = null, Synced = null, ETag = freshCards.GetValueOrDefault(link.Uid)?.ETag ?? link.ETag });
                continue;
            }

            if (!Take(remote: false))
            {
                continue;
            }

            var etag = freshCards.GetValueOrDefault(link.Uid)?.ETag ?? link.ETag;
            try
            {
                await client.DeleteCardAsync(new Uri(link.Href), etag, Cancel);
            }
            catch (CardDavPreconditionFailedException)
            {
                // Edited on the card after our listing; the record's deletion still stands.
                await client.DeleteCardAsync(new Uri(link.Href), null, Cancel);
            }

            counts = counts with { RemoteDeleted = counts.RemoteDeleted + 1 };
            Forget(link);
            await FlushIfFullAsync();
        }
    }
}
