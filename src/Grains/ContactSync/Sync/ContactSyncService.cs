using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Outbound;
using CrmActors.Grains.Records;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// Sync pairs for the API: validation of a new pair (permissions, module, mapping, defaults, and the
/// remote reached with the given credentials), its secret encrypted before it is stored, and the
/// owner's actions on it.
/// </summary>
public sealed class ContactSyncService(IGrainFactory grains, SyncCrmSide crm, ContactSyncSecrets secrets, OutboundTargets targets, IOptions<ContactSyncOptions> options)
{
    public static readonly IReadOnlyList<string> Modules = ["Contacts", "Leads", "Vendors"];

    public async Task<SyncPairState> CreateAsync(Actor actor, SyncPairRequest request)
    {
        RequireFeature(actor);
        var module = Modules.FirstOrDefault(m => string.Equals(m, request.Module, StringComparison.OrdinalIgnoreCase)) is { } name && actor.Org.Module(name) is { } found
            ? found
            : throw ProblemException.Validation("module", "module must be Contacts, Leads or Vendors.");
        var settings = Settings(actor, module, request, new SyncPairState { FrequencyMinutes = 60 });
        await RequireLiveDefaultsAsync(actor, module, settings.Defaults);
        var pair = settings with
        {
            Id = Ids.New(), OrgId = actor.OrgId, UserId = actor.User.Id, Module = module.Name, Remote = await ValidateRemoteAsync(request.Remote),
        };
        return await grains.Grain<ISyncPairDirectoryGrain>(actor.OrgId).CreateAsync(pair);
    }

    /// <summary>
    /// Changes the owner's pair: what the body names, checked by the rules of a new pair; the rest stays.
    /// New credentials or URL are tried on the remote first and must reach the same address book (the
    /// pair's links and sync token belong to it). The next run uses the new settings.
    /// </summary>
    public async Task<SyncPairState> UpdateAsync(Actor actor, string pairId, SyncPairRequest change)
    {
        RequireFeature(actor);
        var (grain, pair) = await OwnedAsync(actor, pairId);
        if (change.Module is { } other && !string.Equals(other, pair.Module, StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.Validation("module", $"A pair's module does not change; delete this {pair.Module} pair and create one for {other}.");
        }

        var module = actor.Org.Module(pair.Module) ?? throw ProblemException.NotFound($"Module {pair.Module}");
        var settings = Settings(actor, module, change, pair);
        if (change.Defaults is not null)
        {
            // Defaults the change leaves as they are stay (a run drops, and reports, one whose record has gone since).
            await RequireLiveDefaultsAsync(actor, module, settings.Defaults);
        }

        var remote = change.Remote is null ? pair.Remote : await ValidateRemoteAsync(change.Remote, pair.Remote);
        return await grain.UpdateAsync(settings with { Remote = remote });
    }

    private async Task RequireLiveDefaultsAsync(Actor actor, ModuleDefinition module, IReadOnlyDictionary<string, string> defaults)
    {
        if ((await crm.LiveDefaultsAsync(actor.OrgId, module, defaults)).Dead is [var field, ..])
        {
            var lookup = module.Field(field)!.LookupModule;
            throw ProblemException.Validation($"defaults.{field}",
                $"The default for {field} must be the ID of an existing {(lookup == FieldDefinition.AnyModule ? "" : lookup + " ")}record of this organization; {defaults[field]} is not one.");
        }
    }

    private static void RequireFeature(Actor actor)
    {
        if (!actor.User.HasFeature(FeaturePermissions.ContactSync))
        {
            throw ProblemException.Forbidden("Your profile lacks the contact_sync permission; ask an administrator to grant it.");
        }
    }

    /// <summary>The request's direction, policy, frequency, view, mapping and defaults over <paramref name="current"/>'s, each checked.</summary>
    private SyncPairState Settings(Actor actor, ModuleDefinition module, SyncPairRequest request, SyncPairState current)
    {
        if (!actor.User.Can(module.Name, ModuleAction.View))
        {
            throw ProblemException.Forbidden($"Your profile may not view {module.Name}, so it cannot sync it.");
        }

        var direction = request.Direction ?? current.Direction;
        if (!SyncDirections.All.Contains(direction))
        {
            throw ProblemException.Validation("direction", "direction must be two_way, crm_to_remote or remote_to_crm.");
        }

        if (SyncDirections.WritesCrm(direction) && !(actor.User.Can(module.Name, ModuleAction.Create) && actor.User.Can(module.Name, ModuleAction.Edit)))
        {
            throw new ProblemException(403, "sync-direction-not-allowed",
                $"Your profile may only view {module.Name}, so you may only create a crm_to_remote pair; {direction} writes {module.Name} records.",
                new Dictionary<string, object?> { ["field"] = "direction" });
        }

        var policy = request.ConflictPolicy ?? current.ConflictPolicy;
        if (policy is not (SyncConflictPolicies.CrmWins or SyncConflictPolicies.RemoteWins))
        {
            throw ProblemException.Validation("conflictPolicy", "conflictPolicy must be crm_wins or remote_wins.");
        }

        var frequency = request.FrequencyMinutes ?? current.FrequencyMinutes;
        if (frequency < options.Value.MinFrequencyMinutes || frequency > 7 * 24 * 60)
        {
            throw ProblemException.Validation("frequencyMinutes", $"frequencyMinutes is between {options.Value.MinFrequencyMinutes} and 10080 (a week); use …/run to sync now.");
        }

        var view = request.View?.ToImmutableSortedDictionary(StringComparer.Ordinal) ?? current.View;
        foreach (var field in view.Keys.Where(f => module.Field(f) is null))
        {
            throw ProblemException.Validation($"view.{field}", $"{module.Name} has no field {field} to filter on.");
        }

        var fieldMap = request.FieldMap?.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal) ?? current.FieldMap;
        FieldMapping.For(module, fieldMap);
        var defaults = Defaults(module, direction, request.Defaults ?? current.Defaults);
        return current with { Direction = direction, ConflictPolicy = policy, FrequencyMinutes = frequency, View = view, FieldMap = fieldMap, Defaults = defaults };
    }

    /// <summary>The pairs the user owns; an administrator sees every pair of the organization.</summary>
    public async Task<IReadOnlyList<SyncPairState>> ListAsync(Actor actor)
    {
        var pairs = new List<SyncPairState>();
        foreach (var entry in await grains.Grain<ISyncPairDirectoryGrain>(actor.OrgId).ListAsync())
        {
            if ((entry.UserId == actor.User.Id || actor.User.IsAdmin) && await grains.Grain<ISyncPairGrain>(entry.PairId).GetAsync() is { Exists: true } pair)
            {
                pairs.Add(pair);
            }
        }

        return pairs;
    }

    public async Task<SyncPairState> GetAsync(Actor actor, string pairId) => (await OwnedAsync(actor, pairId, readOnly: true)).Pair;

    public async Task<SyncPairState> RunAsync(Actor actor, string pairId) => await (await OwnedAsync(actor, pairId)).Grain.RunNowAsync();

    public async Task<SyncPairState> DisableAsync(Actor actor, string pairId) => await (await OwnedAsync(actor, pairId)).Grain.DisableAsync();

    public async Task<SyncPairState> EnableAsync(Actor actor, string pairId) => await (await OwnedAsync(actor, pairId)).Grain.EnableAsync();

    /// <summary>Ends the pair and forgets its links (the pair grain's outbox); contacts already synced stay on both sides.</summary>
    public async Task DeleteAsync(Actor actor, string pairId)
    {
        var (grain, _) = await OwnedAsync(actor, pairId);
        await grain.DeleteAsync();
        await grains.Grain<ISyncPairDirectoryGrain>(actor.OrgId).RemoveAsync(pairId);
    }

    private async Task<(ISyncPairGrain Grain, SyncPairState Pair)> OwnedAsync(Actor actor, string pairId, bool readOnly = false)
    {
        var grain = grains.Grain<ISyncPairGrain>(pairId);
        var pair = Ids.IsWellFormed(pairId) ? await grain.GetAsync() : new SyncPairState();
        if (!pair.Exists || pair.OrgId != actor.OrgId)
        {
            throw ProblemException.NotFound($"Sync pair {pairId}");
        }

        return pair.UserId == actor.User.Id || (readOnly && actor.User.IsAdmin)
            ? (grain, pair)
            : throw ProblemException.Forbidden("Only the pair's owner may change or run it.");
    }

    private static ImmutableSortedDictionary<string, string> Defaults(ModuleDefinition module, string direction, IReadOnlyDictionary<string, string> defaults)
    {
        foreach (var (name, value) in defaults)
        {
            var field = module.Field(name) ?? throw ProblemException.Validation($"defaults.{name}", $"{module.Name} has no field {name}.");
            if (field.Type is FieldTypes.FileUpload or FieldTypes.ImageUpload)
            {
                throw ProblemException.Validation($"defaults.{name}", $"A default cannot set {module.Name}.{field.Name}: an upload belongs to one record, and the pair creates many.");
            }

            try
            {
                RecordValidator.NormalizeText(module, field, value);
            }
            catch (ProblemException problem)
            {
                throw ProblemException.Validation($"defaults.{name}", $"The default for {name} is not valid: {problem.Message}");
            }
        }

        if (SyncDirections.WritesCrm(direction) && module.Fields.FirstOrDefault(f => f.Required && string.IsNullOrWhiteSpace(defaults.GetValueOrDefault(f.Name))) is { } missing)
        {
            throw ProblemException.Validation($"defaults.{missing.Name}",
                $"Give a default for {missing.Name}: records created from remote contacts need {string.Join(", ", module.Fields.Where(f => f.Required).Select(f => f.Name))}.");
        }

        return defaults.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Reaches the address book with the given credentials (SPEC §5), or refuses with a 4xx saying what failed.
    /// With <paramref name="current"/>, what the request leaves out (URL, user name, secret, group) is the pair's,
    /// and the address book found must be the pair's own.
    /// </summary>
    private async Task<SyncRemote> ValidateRemoteAsync(SyncRemoteRequest? remote, SyncRemote? current = null)
    {
        var text = remote?.Url ?? current?.Url;
        if (remote is null || text is null || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo))
        {
            throw ProblemException.Validation("remote.url", "remote.url is the address book's http(s) URL (or the server's, to discover it), without credentials in it.");
        }

        CardDavCredentials credentials;
        string auth, secret;
        if (!string.IsNullOrEmpty(remote.Token))
        {
            (credentials, auth, secret) = (CardDavCredentials.Bearer(remote.Token), SyncAuth.Bearer, remote.Token);
        }
        else if ((remote.Username ?? (current?.Auth == SyncAuth.Basic ? current.UserName : null)) is { Length: > 0 } user && remote.Password is { Length: > 0 } password)
        {
            (credentials, auth, secret) = (CardDavCredentials.Basic(user, password), SyncAuth.Basic, password);
        }
        else if (current is not null && remote.Username is null && remote.Password is null)
        {
            // The saved secret goes only to the server it was given for: a new scheme, host or port needs it again.
            if (!Uri.TryCreate(current.Url, UriKind.Absolute, out var saved)
                || Uri.Compare(url, saved, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                throw ProblemException.Validation("remote.password",
                    "remote.url is on another server than the pair's: give its credentials with it (remote.username and remote.password, or remote.token); a saved secret is only sent to the server it was given for.");
            }

            (credentials, auth, secret) = (secrets.Credentials(current), current.Auth, "");
        }
        else
        {
            throw ProblemException.Validation("remote.password", "Give remote.username and remote.password (Basic) or remote.token (Bearer).");
        }

        var group = remote.Group ?? current?.Group;
        if (group is { Length: > 100 })
        {
            throw ProblemException.Validation("remote.group", "remote.group is a contact group name of at most 100 characters.");
        }

        CardDavAccount account;
        using (var client = CardDavClient.Create(targets, credentials,
            new CardDavClientOptions { RequestTimeout = options.Value.RequestTimeout, MaxResponseBytes = options.Value.MaxResponseBytes, MaxRetries = 1 }))
        using (var deadline = new CancellationTokenSource(options.Value.DiscoveryTimeout))
        {
            try
            {
                account = await client.DiscoverAsync(url, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new CardDavException(CardDavError.Timeout,
                    $"Finding the address book at {CardDavException.Describe(url)} took longer than {options.Value.DiscoveryTimeout.TotalSeconds:0} s in all; give the address book's own URL, or try again later.")
                    .ToProblem("remote.url");
            }
            catch (CardDavException e)
            {
                throw e.ToProblem("remote.url");
            }
        }

        var book = account.AddressBooks switch
        {
            [var one] => one,
            [] => throw new ProblemException(400, "carddav-no-address-book", $"The account at {CardDavException.Describe(url)} has no address book; create one or give its URL.",
                new Dictionary<string, object?> { ["field"] = "remote.url" }),
            var many => throw new ProblemException(400, "carddav-choose-address-book",
                $"The account has {many.Count} address books; give one of their URLs as remote.url: {string.Join(", ", many.Select(b => b.Href))}.",
                new Dictionary<string, object?> { ["field"] = "remote.url", ["addressBooks"] = many.Select(b => b.Href.ToString()).ToList() }),
        };
        if (current is not null && book.Href.ToString() != current.AddressBook)
        {
            throw new ProblemException(400, "sync-address-book-changed",
                $"remote.url leads to {book.Href}, not this pair's address book {current.AddressBook}; its links belong to that one. Delete the pair and create one for the other book.",
                new Dictionary<string, object?> { ["field"] = "remote.url" });
        }

        return new SyncRemote
        {
            Url = url.ToString(), AddressBook = book.Href.ToString(), Auth = auth, UserName = auth == SyncAuth.Basic ? credentials.UserName : null,
            ProtectedSecret = secret.Length > 0 ? secrets.Protect(secret) : current!.ProtectedSecret, Group = string.IsNullOrWhiteSpace(group) ? null : group.Trim(),
            SupportsSyncCollection = book.SupportsSyncCollection,
        };
    }
}
