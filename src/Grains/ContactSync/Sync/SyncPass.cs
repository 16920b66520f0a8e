using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json.Nodes;
using CrmActors.Grains.Common;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.ContactSync.VCards;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Runs;
using Link = CrmActors.Grains.ContactSync.Sync.SyncLinkStore.Link;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// The work of one run attempt: read what changed on both sides, merge, write within the run's limits.
/// Order: remote deletions, remote changes, CRM changes, CRM deletions. A remote change a limit held
/// back keeps the old sync token, so the next run is shown it again; CRM changes are found by comparing
/// with the links, so whatever waits is found again anyway.
/// </summary>
internal sealed partial class SyncPass(
    RunContext context, SyncPairState pair, Actor actor, CardDavClient client, SyncLinkStore store, SyncCrmSide crm, ContactSyncOptions options, TimeProvider clock,
    Func<Task<bool>> pairExists, CancellationToken cancellationToken)
{
    public sealed record Checkpoint(SyncCounts Counts, int Moved, long Pushed);

    private readonly Dictionary<string, Link> byUid = [];
    private readonly Dictionary<string, Link> byHref = [];
    private readonly Dictionary<string, Link> byRecord = [];
    private readonly Dictionary<string, Link> remoteOnlyByEmail = [];
    private readonly HashSet<string> handledRecords = [];
    private readonly HashSet<string> created = [];
    private readonly Dictionary<string, CardRef> freshCards = [];
    private readonly List<Func<DbConnection, DbTransaction, Task>> crmWrites = [];
    private readonly List<Link> upserts = [];
    private readonly HashSet<string> removals = [];
    private readonly List<string> errors = [];
    private readonly List<string> limits = [];
    private Dictionary<string, SyncCrmSide.Contact> contacts = [];
    private Dictionary<string, SyncCrmSide.Contact> unlinkedByEmail = [];
    private Dictionary<string, string> emailsInUse = [];
    private ModuleDefinition module = null!;
    private FieldMapping mapping = null!;
    private IReadOnlyDictionary<string, string> defaults = new Dictionary<string, string>();
    private SyncCounts counts = new();
    private int moved;
    private long pushed;
    private int budget;
    private bool remoteDeferred;
    private bool pushLimitReached;
    private CardChanges? changes;

    /// <summary>The silo stopping, or the run's deadline.</summary>
    private CancellationToken Cancel => cancellationToken;

    private Uri Book => new(pair.Remote.AddressBook);

    private bool WritesCrm => SyncDirections.WritesCrm(pair.Direction);

    private bool WritesRemote => SyncDirections.WritesRemote(pair.Direction);

    public async Task<SyncRunOutcome> RunAsync()
    {
        if (context.Checkpoint<Checkpoint>() is { } resumed)
        {
            (counts, moved, pushed) = (resumed.Counts, resumed.Moved, resumed.Pushed);
        }

        module = actor.Org.Module(pair.Module)
            ?? throw new ProblemException(409, "sync-module-missing", $"Module {pair.Module} no longer exists; delete the pair.");
        mapping = FieldMapping.For(module, pair.FieldMap);
        var (liveDefaults, deadDefaults) = await crm.LiveDefaultsAsync(actor.OrgId, module, pair.Defaults);
        defaults = liveDefaults;
        foreach (var field in deadDefaults)
        {
            errors.Add($"The pair's default for {field} names a record that no longer exists; records are created without it. Change the pair's defaults.");
        }

        budget = pair.CompletedRuns == 0 ? options.FirstRunLimit : options.RunLimit;
        foreach (var link in await store.LoadAsync(actor.OrgId, pair.Id!, Cancel))
        {
            Index(link);
        }

        var known = byHref.Values.Where(l => l.ETag is not null).ToDictionary(l => new Uri(l.Href!), l => l.ETag!);
        changes = await client.GetChangesAsync(Book, pair.SyncToken, known, pair.Remote.SupportsSyncCollection, Cancel);
        contacts = await crm.LoadAsync(actor, module, pair.View, mapping, Cancel);
        unlinkedByEmail = contacts.Values.Where(c => c.Email is not null && !byRecord.ContainsKey(c.Id)).GroupBy(c => c.Email!).ToDictionary(g => g.Key, g => g.First());
        await RemoteDeletionsAsync(changes.Deleted);

        // The changed cards a chunk at a time: only one chunk's cards are held, and none is downloaded once the run's limit is reached.
        var chunks = changes.Changed.Chunk(Math.Max(1, options.FetchChunk)).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            if (moved >= budget)
            {
                Defer(chunks.Skip(i).Sum(c => c.Length));
                break;
            }

            var fetched = await client.MultigetAsync(Book, chunks[i].Select(c => c.Href), Cancel);
            foreach (var href in fetched.TooLarge)
            {
                TooLarge(href);
            }

            await RemoteDeletionsAsync(fetched.Missing);
            var cards = fetched.Cards.Select(Parse).OfType<(CardResource, VCard)>().ToList();
            // Added to, not replaced: the records this run created from earlier chunks may not be written yet.
            foreach (var (email, id) in await crm.EmailsInUseAsync(actor.OrgId, module.Name, cards.Select(c => Email(mapping.Read(c.Item2), c.Item2)).OfType<string>(), Cancel))
            {
                emailsInUse.TryAdd(email, id);
            }
            foreach (var (resource, card) in cards)
            {
                await RemoteChangedAsync(resource, card);
                await FlushIfFullAsync();
            }
        }

        await CrmChangesAsync();
        await CrmDeletionsAsync();
        await FlushAsync();
        return Outcome();
    }

    /// <summary>What the run did so far; also the report of a run that failed part-way.</summary>
    public SyncRunOutcome Outcome() => new()
    {
        RunId = context.RunId,
        Counts = counts,
        SyncToken = remoteDeferred ? pair.SyncToken : changes?.SyncToken,
        Pushed = pushed,
        ChangeSource = changes is null ? null : changes.Source == ChangeSource.SyncCollection ? "sync-collection" : "etag-listing",
        FallbackReason = changes?.FallbackReason,
        Limits = [.. limits],
        Errors = [.. errors],
    };

    /// <summary>A card too large to fetch is left as it is on both sides, its record included (it is not taken for deleted).</summary>
    private void TooLarge(Uri href)
    {
        if (byHref.GetValueOrDefault(href.ToString())?.RecordId is { } recordId)
        {
            handledRecords.Add(recordId);
        }

        Skip($"Card {href} is larger than an answer may be ({options.MaxResponseBytes:N0} bytes, ContactSync:MaxResponseBytes; a large photo?); it is not synced, and its record is kept.");
    }

    private async Task RemoteDeletionsAsync(IEnumerable<Uri> hrefs)
    {
        foreach (var href in hrefs)
        {
            if (byHref.TryGetValue(href.ToString(), out var link))
            {
                await RemoteDeletedAsync(link);
            }
        }
    }

    private async Task RemoteDeletedAsync(Link link)
    {
        if (link.RecordId is { } recordId && WritesCrm)
        {
            handledRecords.Add(recordId);
            if (!actor.User.Can(module.Name, ModuleAction.Delete))
            {
                Skip($"Card {link.Href} was deleted, but your profile may not delete {module.Name}; record {recordId} is kept and unlinked.");
            }
            else if (!Take(remote: true))
            {
                return;
            }
            else
            {
                crmWrites.Add(async (connection, transaction) => await crm.DeleteAsync(connection, transaction, actor, module, recordId, clock.GetUtcNow()));
                counts = counts with { CrmDeleted = counts.CrmDeleted + 1 };
                contacts.Remove(recordId);
            }
        }

        Forget(link);
    }

    private async Task RemoteChangedAsync(CardResource resource, VCard card)
    {
        var uid = card.Uid ?? "href:" + resource.Href;
        freshCards[uid] = new CardRef(resource.Href, resource.ETag);
        if (card.IsGroup())
        {
            Remember(uid, resource, null);
            return;
        }

        var values = mapping.Read(card);
        var email = Email(values, card);
        var link = byUid.GetValueOrDefault(uid) ?? byHref.GetValueOrDefault(resource.Href.ToString());
        if (link?.RecordId is { } linkedId)
        {
            handledRecords.Add(linkedId);
            if (contacts.TryGetValue(linkedId, out var linked))
            {
                await MergeAsync(link with { Uid = uid }, linked, resource, card, values, remoteItem: true);
            }

            return; // A linked record out of scope or deleted is handled with the CRM's deletions.
        }

        if (pair.Remote.Group is { } group && !card.ToFields().Categories.Contains(group, StringComparer.OrdinalIgnoreCase))
        {
            Remember(uid, resource, email);
            return;
        }

        if (Candidate(uid, email) is { } match)
        {
            handledRecords.Add(match.Id);
            await MergeAsync(new Link(uid, resource.Href.ToString(), null, match.Id, email, null), match, resource, card, values, remoteItem: true);
            return;
        }

        if (!WritesCrm)
        {
            Remember(uid, resource, email);
            return;
        }

        if (email is not null && emailsInUse.TryGetValue(email, out var holder))
        {
            Skip($"Card {resource.Href} has e-mail {email}, which {module.Name} record {holder} already has; no second record is created.");
            Remember(uid, resource, email);
            return;
        }

        if (!actor.User.Can(module.Name, ModuleAction.Create))
        {
            Skip($"Card {resource.Href} is new, but your profile may not create {module.Name} records.");
            Remember(uid, resource, email);
            return;
        }

        JsonObject data;
        try
        {
            data = await crm.NewRecordAsync(actor, module, defaults, values);
        }
        catch (ProblemException problem)
        {
            Skip($"Card {resource.Href} cannot become a {module.Name} record: {problem.Message}");
            Remember(uid, resource, email);
            return;
        }

        if (!Take(remote: true))
        {
            return;
        }

        var id = Ids.New();
        handledRecords.Add(id);
        created.Add(id);
        crmWrites.Add((connection, transaction) => SyncCrmSide.InsertAsync(connection, transaction, actor, module, id, data, clock.GetUtcNow(), store.Database.ForKeyShare));
        counts = counts with { CrmCreated = counts.CrmCreated + 1 };
        if (email is not null)
        {
            emailsInUse[email] = id;
        }

        Keep(new Link(uid, resource.Href.ToString(), resource.ETag, id, email, values));
    }

    /// <summary>An unlinked record the card belongs with: the record a crashed run created it from (UID), else the e-mail's record.</summary>
    private SyncCrmSide.Contact? Candidate(string uid, string? email)
    {
        var prefix = UidPrefix;
        if (uid.StartsWith(prefix, StringComparison.Ordinal) && contacts.TryGetValue(uid[prefix.Length..], out var own) && !byRecord.ContainsKey(own.Id))
        {
            return own;
        }

        return email is not null && unlinkedByEmail.TryGetValue(email, out var match) && !byRecord.ContainsKey(match.Id) ? match : null;
    }

    private async Task MergeAsync(Link link, SyncCrmSide.Contact contact, CardResource resource, VCard card, IReadOnlyDictionary<string, string?> values, bool remoteItem)
    {
        var merge = ThreeWayMerge.Merge(mapping.Fields, contact.Values, values, link.Synced, pair.Direction, pair.ConflictPolicy);
        var crmChanges = WritesCrm ? merge.CrmChanges : [];
        var remoteChanges = WritesRemote ? merge.RemoteChanges : [];
        var email = Email(merge.Synced, card) ?? contact.Email;
        if (crmChanges.Count + remoteChanges.Count == 0)
        {
            Keep(link with { Href = resource.Href.ToString(), ETag = resource.ETag, RecordId = contact.Id, Email = email, Synced = merge.Synced });
            return;
        }

        JsonObject? data = null;
        if (crmChanges.Count > 0)
        {
            if (!actor.User.Can(module.Name, ModuleAction.Edit))
            {
                Skip($"{module.Name} record {contact.Id} changed on the card, but your profile may not edit {module.Name}.");
                return;
            }

            try
            {
                data = await crm.EditedRecordAsync(actor, module, contact.Data, crmChanges);
            }
            catch (ProblemException problem)
            {
                Skip($"Card {resource.Href} cannot update {module.Name} record {contact.Id}: {problem.Message}");
                return;
            }
        }

        if (!Take(remoteItem))
        {
            return;
        }

        counts = counts with { Conflicts = counts.Conflicts + merge.Conflicts };
        if (data is not null)
        {
            crmWrites.Add(async (connection, transaction) => await SyncCrmSide.UpdateAsync(connection, transaction, actor, module, contact.Id, data, clock.GetUtcNow()));
            counts = counts with { CrmUpdated = counts.CrmUpdated + 1 };
        }

        var etag = resource.ETag;
        if (remoteChanges.Count > 0)
        {
            try
            {
                etag = (await client.UpdateCardAsync(resource.Href, mapping.Write(card, remoteChanges, pair.Remote.Group).ToString(), resource.ETag, Cancel)).ETag;
                counts = counts with { RemoteUpdated = counts.RemoteUpdated + 1 };
            }
            catch (CardDavPreconditionFailedException)
            {
                // Changed again since it was read: the next run reads it and merges once more.
                errors.Add($"Card {resource.Href} changed while it was synced; the next run merges it.");
                return;
            }
        }

        Keep(link with { Href = resource.Href.ToString(), ETag = etag, RecordId = contact.Id, Email = email, Synced = merge.Synced });
    }

    private (CardResource, VCard)? Parse(CardResource resource)
    {
        try
        {
            return (resource, VCard.Parse(resource.Data));
        }
        catch (VCardFormatException e)
        {
            Skip($"Card {resource.Href} is not a readable vCard: {e.Message}");
            Remember("href:" + resource.Href, resource, null);
            return null;
        }
    }

    private string UidPrefix => $"crmactors-{actor.OrgId}-";

    private static string? Email(IReadOnlyDictionary<string, string?> values, VCard card) =>
        (values.GetValueOrDefault("Email") ?? card.ToFields().WorkEmail)?.Trim().ToLowerInvariant() is { Length: > 0 } email ? email : null;

    /// <summary>Counts one contact against the run's limit; false (deferred) when the limit is reached.</summary>
    private bool Take(bool remote)
    {
        if (moved >= budget)
        {
            if (remote)
            {
                Defer(1);
            }
            else
            {
                counts = counts with { Deferred = counts.Deferred + 1 };
                NoteLimit();
            }

            return false;
        }

        moved++;
        return true;
    }

    /// <summary>Remote changes left for a later run: the sync token stays where it was, so the server reports them again.</summary>
    private void Defer(int cards)
    {
        counts = counts with { Deferred = counts.Deferred + cards };
        remoteDeferred = true;
        NoteLimit();
    }

    private void NoteLimit()
    {
        var limit = pair.CompletedRuns == 0 ? $"The first run moves at most {budget} contacts (ContactSync:FirstRunLimit); the rest follow in later runs."
            : $"A run moves at most {budget} contacts (ContactSync:RunLimit); the rest follow in later runs.";
        if (!limits.Contains(limit))
        {
            limits.Add(limit);
        }
    }

    private void Skip(string why)
    {
        counts = counts with { Skipped = counts.Skipped + 1 };
        if (errors.Count < options.MaxReportedErrors)
        {
            errors.Add(why);
        }
    }

    /// <summary>A card kept out of the CRM: its ETag and e-mail are remembered, for the duplicate check and so an unchanged card is not fetched again.</summary>
    private void Remember(string uid, CardResource resource, string? email) => Keep(new Link(uid, resource.Href.ToString(), resource.ETag, null, email, null));

    private void Index(Link link)
    {
        byUid[link.Uid] = link;
        if (link.Href is not null)
        {
            byHref[link.Href] = link;
        }

        if (link.RecordId is not null)
        {
            byRecord[link.RecordId] = link;
        }
        else if (link.Email is not null)
        {
            remoteOnlyByEmail[link.Email] = link;
        }
    }

    private void Keep(Link link)
    {
        if (byUid.GetValueOrDefault(link.Uid) is { } old)
        {
            Unindex(old);
        }

        if (link.RecordId is not null && byRecord.GetValueOrDefault(link.RecordId) is { } previous && previous.Uid != link.Uid)
        {
            Unindex(previous);
            removals.Add(previous.Uid);
        }

        removals.Remove(link.Uid);
        Index(link);
        upserts.RemoveAll(u => u.Uid == link.Uid);
        upserts.Add(link);
        if (link.Email is not null && link.RecordId is not null)
        {
            unlinkedByEmail.Remove(link.Email);
        }
    }

    private void Forget(Link link)
    {
        Unindex(link);
        upserts.RemoveAll(u => u.Uid == link.Uid);
        removals.Add(link.Uid);
    }

    private void Unindex(Link link)
    {
        byUid.Remove(link.Uid);
        if (link.Href is not null && byHref.GetValueOrDefault(link.Href)?.Uid == link.Uid)
        {
            byHref.Remove(link.Href);
        }

        if (link.RecordId is not null && byRecord.GetValueOrDefault(link.RecordId)?.Uid == link.Uid)
        {
            byRecord.Remove(link.RecordId);
        }

        if (link.Email is not null && remoteOnlyByEmail.GetValueOrDefault(link.Email)?.Uid == link.Uid)
        {
            remoteOnlyByEmail.Remove(link.Email);
        }
    }

    private Task FlushIfFullAsync() => crmWrites.Count + upserts.Count + removals.Count >= options.BatchSize ? FlushAsync() : Task.CompletedTask;

    /// <summary>Commits the queued CRM writes with their links in one fenced transaction, then checkpoints the counts.</summary>
    private async Task FlushAsync()
    {
        if (crmWrites.Count + upserts.Count + removals.Count == 0)
        {
            return;
        }

        // A pair deleted while it ran keeps no links the deletion already removed.
        if (!await pairExists())
        {
            throw new ProblemException(409, "sync-pair-deleted", $"Sync pair {pair.Id} was deleted while it ran; the run stopped.");
        }

        await using (var connection = await store.Database.OpenAsync(Cancel))
        await using (var transaction = await store.Database.BeginWriteAsync(connection, Cancel))
        {
            await context.FenceAsync(connection, transaction);
            foreach (var write in crmWrites)
            {
                await write(connection, transaction);
            }

            await SyncLinkStore.DeleteAsync(connection, transaction, actor.OrgId, pair.Id!, removals);
            await SyncLinkStore.UpsertAsync(connection, transaction, actor.OrgId, pair.Id!, upserts, clock.GetUtcNow());
            await transaction.CommitAsync(Cancel);
        }

        // Deleted between the check above and the commit: the deletion's own cleanup may have run before these links existed.
        if (!await pairExists())
        {
            await store.DeletePairAsync(actor.OrgId, pair.Id!);
            throw new ProblemException(409, "sync-pair-deleted", $"Sync pair {pair.Id} was deleted while it ran; the run stopped.");
        }

        crmWrites.Clear();
        upserts.Clear();
        removals.Clear();
        await context.SaveCheckpointAsync(new Checkpoint(counts, moved, pushed), budget == 0 ? 0 : Math.Min(0.99, (double)moved / budget));
    }
}
