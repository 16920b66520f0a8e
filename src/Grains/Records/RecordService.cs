using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.RecycleBin;
using CrmActors.Grains.Settings;
using CrmActors.Grains.Storage;

namespace CrmActors.Grains.Records;

/// <summary>Record CRUD: permission, validation, workflow rules and blueprints, the write and its audit entry, in one transaction.</summary>
public sealed class RecordService(IDatabase database, RecordStore store, RecycleBinService recycleBin, TimeProvider clock)
{
    /// <summary>The last page a list answers: (page − 1) × perPage stays far from overflowing an offset.</summary>
    public const int MaxPage = 1_000_000;

    public sealed record RecordPage(IReadOnlyList<JsonObject> Items, int Page, int PerPage, long Total);

    /// <summary>A record as answered, with the version a client sends back in <c>If-Match</c>.</summary>
    public sealed record Versioned(JsonObject Record, string ETag)
    {
        public static Versioned Of(RecordRow row) => new(RecordJson.ToResponse(row), row.ETag);
    }

    public async Task<Versioned> CreateAsync(Actor actor, string moduleName, JsonElement input)
    {
        var module = actor.Authorize(moduleName, ModuleAction.Create);
        var data = RecordJson.Apply(module, input, []);
        RecordAutomation.OnCreate(actor.Org, module, data);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await CheckLookupsAsync(connection, transaction, actor.OrgId, module, data, database.ForKeyShare);
        var now = UnixTime.Ms(clock.GetUtcNow());
        var row = RecordJson.ToRow(module, actor.OrgId, Ids.New(), data, actor.User.Id, now, actor.User.Id, now, actor.User.Id);
        await RecordStore.InsertAsync(connection, transaction, row);
        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, clock.GetUtcNow(), actor.User.Id, AuditActions.Create, AuditTargets.Record,
            module.Name, row.Id, null, data.Select(kv => new FieldChange(kv.Key, null, Plain(kv.Value))));
        await transaction.CommitAsync();
        return Versioned.Of(row);
    }

    public async Task<Versioned> GetAsync(Actor actor, string moduleName, string id)
    {
        var module = actor.Authorize(moduleName, ModuleAction.View);
        await using var connection = await database.OpenAsync();
        return Versioned.Of(await RequireAsync(connection, null, actor, module, id));
    }

    /// <summary>
    /// Applies the given fields to the record as it is now (row-locked), so concurrent edits of different fields
    /// both survive. With <paramref name="ifMatch"/> the edit applies only to that version (412 otherwise).
    /// </summary>
    public async Task<Versioned> UpdateAsync(Actor actor, string moduleName, string id, JsonElement input, string? ifMatch = null)
    {
        var module = actor.Authorize(moduleName, ModuleAction.Edit);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var before = await RequireAsync(connection, transaction, actor, module, id);
        RequireVersion(before, ifMatch);
        var old = JsonNode.Parse(before.Data)!.AsObject();
        var data = RecordJson.Apply(module, input, old.DeepClone().AsObject());
        RecordAutomation.OnEdit(actor.Org, module, old, data);
        await CheckLookupsAsync(connection, transaction, actor.OrgId, module, data, database.ForKeyShare);
        var now = clock.GetUtcNow();
        var after = RecordJson.ToRow(module, actor.OrgId, id, data, before.OwnerId, before.CreatedAt, before.CreatedBy, UnixTime.Ms(now), actor.User.Id);
        var changes = old.Select(kv => kv.Key).Union(data.Select(kv => kv.Key))
            .Where(name => !JsonNode.DeepEquals(old[name], data[name]))
            .Select(name => new FieldChange(name, Plain(old[name]), Plain(data[name])))
            .ToList();
        if (changes.Count > 0)
        {
            await RecordStore.UpdateAsync(connection, transaction, after);
            await AuditLog.WriteAsync(connection, transaction, actor.OrgId, now, actor.User.Id, AuditActions.Update, AuditTargets.Record, module.Name, id, null, changes);
        }

        await transaction.CommitAsync();
        return Versioned.Of(changes.Count > 0 ? after : before);
    }

    /// <summary>Moves the record and its dependents to the recycle bin (only that version, with <paramref name="ifMatch"/>).</summary>
    public async Task DeleteAsync(Actor actor, string moduleName, string id, string? ifMatch = null)
    {
        var module = actor.Authorize(moduleName, ModuleAction.Delete);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var row = await RequireAsync(connection, transaction, actor, module, id, forDelete: true);
        RequireVersion(row, ifMatch);
        await recycleBin.MoveAsync(connection, transaction, actor, module, row, clock.GetUtcNow());
        await transaction.CommitAsync();
    }

    public async Task<RecordPage> ListAsync(Actor actor, string moduleName, int page, int perPage, IReadOnlyList<(string Field, string Value)> filters)
    {
        var module = actor.Authorize(moduleName, ModuleAction.View);
        if (page is < 1 or > MaxPage || perPage is < 1 or > 200)
        {
            throw ProblemException.Validation(page is < 1 or > MaxPage ? "page" : "perPage", $"page is between 1 and {MaxPage}, and perPage between 1 and 200.");
        }

        foreach (var (field, _) in filters)
        {
            if (module.Field(field) is null)
            {
                throw ProblemException.Validation(field, $"{module.Name} has no field {field} to filter on.");
            }
        }

        var (items, total) = await store.ListAsync(actor.OrgId, module.Name, page, perPage, filters);
        return new RecordPage(items.Select(RecordJson.ToResponse).ToList(), page, perPage, total);
    }

    internal static async Task<RecordRow> RequireAsync(DbConnection connection, DbTransaction? transaction, Actor actor, ModuleDefinition module, string id, bool forDelete = false)
    {
        var row = Ids.IsWellFormed(id) ? await RecordStore.GetAsync(connection, transaction, actor.OrgId, id, forDelete) : null;
        return row is not null && row.Module == module.Name ? row : throw ProblemException.NotFound($"{module.Name} record {id}");
    }

    /// <summary><c>If-Match</c>: absent or <c>*</c> matches any version; otherwise one of the listed ETags must be the record's.</summary>
    private static void RequireVersion(RecordRow row, string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*")
        {
            return;
        }

        var tags = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!tags.Contains(row.ETag, StringComparer.Ordinal))
        {
            throw new ProblemException(412, ProblemCodes.PreconditionFailed,
                $"The record changed since version {ifMatch}; it is now {row.ETag}. Read it again (GET) and send that ETag in If-Match.");
        }
    }

    /// <summary>Refuses a lookup to a record that is missing, deleted, in another org or in the wrong module; the targets stay locked (<paramref name="lockRows"/>) until the write commits.</summary>
    public static async Task CheckLookupsAsync(DbConnection connection, DbTransaction transaction, string orgId, ModuleDefinition module, JsonObject data, string lockRows)
    {
        if ((await DeadLookupsAsync(connection, transaction, orgId, RecordJson.Lookups(module, data), lockRows)) is [var (field, id), ..])
        {
            throw RecordValidator.Invalid(field, $"the ID of an existing {(field.LookupModule == FieldDefinition.AnyModule ? "" : field.LookupModule + " ")}record; {id} is not one");
        }
    }

    /// <summary>
    /// The lookups naming no live record of the organization in the lookup's module (missing, deleted, another org's, another
    /// module's); the live targets stay locked (<paramref name="lockRows"/>) until the transaction ends.
    /// </summary>
    public static async Task<List<(FieldDefinition Field, string Id)>> DeadLookupsAsync(
        DbConnection connection, DbTransaction? transaction, string orgId, IEnumerable<(FieldDefinition Field, string Id)> lookups, string lockRows = "")
    {
        var list = lookups.ToList();
        if (list.Count == 0)
        {
            return [];
        }

        var live = await RecordStore.FindLiveAsync(connection, transaction, orgId, list.Select(l => l.Id), lockRows);
        return [.. list.Where(l => !live.TryGetValue(l.Id, out var target) || (l.Field.LookupModule != FieldDefinition.AnyModule && target != l.Field.LookupModule))];
    }

    internal static object? Plain(JsonNode? node) => node?.GetValueKind() switch
    {
        null => null,
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => decimal.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };
}
