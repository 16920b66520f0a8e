using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.RecycleBin;
using CrmActors.Grains.Settings;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// The CRM side of a sync: the records in a pair's scope with their mapped values (a lookup as the
/// target record's name), and record writes that validate like the API's and are audited as the pair's
/// owner, inside the caller's transaction so a record and its link commit together.
/// </summary>
public sealed class SyncCrmSide(IDatabase database, RecycleBinService recycleBin, TimeProvider clock)
{
    public sealed record Contact(string Id, string? Email, ImmutableDictionary<string, string?> Values, JsonObject Data);

    private sealed record Row(string id, string? email, string data);

    /// <summary>Live records of the module matching the pair's view, by ID.</summary>
    public async Task<Dictionary<string, Contact>> LoadAsync(Actor actor, ModuleDefinition module, IReadOnlyDictionary<string, string> view, FieldMapping mapping, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var orgId = actor.OrgId;
        var parameters = new DynamicParameters(new { orgId, module = module.Name });
        var where = "org_id = @orgId AND module = @module AND deleted_at IS NULL";
        var i = 0;
        foreach (var (field, value) in view)
        {
            parameters.Add($"f{i}", field);
            parameters.Add($"v{i}", value);
            where += $" AND {database.JsonText("data", $"@f{i}")} = @v{i}";
            i++;
        }

        var rows = (await connection.QueryAsync<Row>(new CommandDefinition($"SELECT id, email, data FROM records WHERE {where}", parameters, cancellationToken: cancellationToken)))
            .Select(r => (r, JsonNode.Parse(r.data)!.AsObject())).ToList();
        var lookupFields = mapping.Fields.Select(module.Field).Where(f => f?.Type == FieldTypes.Lookup).Select(f => f!).ToList();
        var names = await NamesAsync(connection, actor.Org, rows.SelectMany(r => lookupFields.Select(f => r.Item2[f.Name]?.GetValue<string>())).OfType<string>());
        return rows.ToDictionary(r => r.r.id, r => new Contact(r.r.id, r.r.email, mapping.Fields.ToImmutableDictionary(f => f, f =>
        {
            var node = r.Item2[f];
            var text = node is null ? null : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
            return lookupFields.Any(l => l.Name == f) && text is not null ? names.GetValueOrDefault(text) : FieldMapping.Empty(text);
        }), r.Item2));
    }

    /// <summary>Which of <paramref name="emails"/> (lower case) a live record of the module has, anywhere in the org: e-mail → record ID.</summary>
    public async Task<Dictionary<string, string>> EmailsInUseAsync(string orgId, string module, IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in emails.Distinct().Chunk(500))
        {
            var parameters = new DynamicParameters(new { orgId, module });
            foreach (var (email, id) in await connection.QueryAsync<(string, string)>(
                $"SELECT email, id FROM records WHERE org_id = @orgId AND module = @module AND deleted_at IS NULL AND email IN ({SqlList.Add(parameters, "e", chunk)})", parameters))
            {
                found.TryAdd(email, id);
            }
        }

        return found;
    }

    /// <summary>Which records are live (not in the recycle bin).</summary>
    public async Task<HashSet<string>> LiveAsync(string orgId, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. (await RecordStore.FindLiveAsync(connection, null, orgId, ids)).Keys];
    }

    /// <summary>
    /// The pair's defaults whose lookups name a live record of the organization in the lookup's module, and the fields of
    /// those that do not (another organization's record, or one deleted since): a default may not plant an ID nothing checks.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, string> Live, IReadOnlyList<string> Dead)> LiveDefaultsAsync(
        string orgId, ModuleDefinition module, IReadOnlyDictionary<string, string> defaults)
    {
        var lookups = defaults.Select(d => (Field: module.Field(d.Key)!, Id: d.Value)).Where(d => d.Field is { Type: FieldTypes.Lookup }).ToList();
        if (lookups.Count == 0)
        {
            return (defaults, []);
        }

        await using var connection = await database.OpenAsync();
        var dead = (await RecordService.DeadLookupsAsync(connection, null, orgId, lookups)).Select(l => l.Field.Name).ToList();
        return (defaults.Where(d => !dead.Contains(d.Key)).ToDictionary(), dead);
    }

    /// <summary>
    /// A new record's values: the pair's defaults, then the card's mapped values. Throws the validation
    /// problem (naming the field) when a value does not fit its field or a required field stays empty.
    /// </summary>
    public async Task<JsonObject> NewRecordAsync(Actor actor, ModuleDefinition module, IReadOnlyDictionary<string, string> defaults, IReadOnlyDictionary<string, string?> values)
    {
        var cells = new Dictionary<string, string?>(defaults.ToDictionary(d => d.Key, d => (string?)d.Value));
        foreach (var (field, value) in await ToStoredTextAsync(actor, module, values))
        {
            if (value is not null)
            {
                cells[field] = value;
            }
        }

        var data = RecordJson.ApplyCells(module, [.. cells.Keys], [.. cells.Values]);
        RecordAutomation.OnCreate(actor.Org, module, data);
        return data;
    }

    /// <summary>An edited record's values; throws the validation problem when a change does not fit or empties a required field.</summary>
    public async Task<JsonObject> EditedRecordAsync(Actor actor, ModuleDefinition module, JsonObject before, IReadOnlyDictionary<string, string?> changes)
    {
        var data = before.DeepClone().AsObject();
        foreach (var (name, value) in await ToStoredTextAsync(actor, module, changes))
        {
            var field = module.Field(name)!;
            if (value is null)
            {
                if (field.Required)
                {
                    throw ProblemException.Validation(name, $"{name} is required; the card left it empty.");
                }

                data.Remove(name);
            }
            else
            {
                data[name] = RecordValidator.NormalizeText(module, field, value);
            }
        }

        RecordAutomation.OnEdit(actor.Org, module, before, data);
        return data;
    }

    /// <summary>
    /// Writes a record the pair creates. Its lookups (a pair's default) are checked where it is written, as every record write's
    /// are, and lock their targets against a delete until the commit (<paramref name="lockRows"/>): one whose record went since
    /// the run began is left empty, or, for a required field, fails the batch (the next run drops that default and says so).
    /// </summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, Actor actor, ModuleDefinition module, string id, JsonObject data, DateTimeOffset now, string lockRows)
    {
        foreach (var (field, target) in await RecordService.DeadLookupsAsync(connection, transaction, actor.OrgId, RecordJson.Lookups(module, data), lockRows))
        {
            data.Remove(field.Name);
            if (field.Required)
            {
                throw RecordValidator.Invalid(field, $"the ID of an existing {field.LookupModule} record; {target}, the pair's default, is not one any more");
            }
        }

        var at = UnixTime.Ms(now);
        await RecordStore.InsertAsync(connection, transaction, RecordJson.ToRow(module, actor.OrgId, id, data, actor.User.Id, at, actor.User.Id, at, actor.User.Id));
        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, now, actor.User.Id, AuditActions.Create, AuditTargets.Record, module.Name, id, null,
            data.Select(kv => new FieldChange(kv.Key, null, RecordService.Plain(kv.Value))));
    }

    /// <summary>Writes an edit unless the record left the CRM meanwhile; false then.</summary>
    public static async Task<bool> UpdateAsync(DbConnection connection, DbTransaction transaction, Actor actor, ModuleDefinition module, string id, JsonObject data, DateTimeOffset now)
    {
        if (await RecordStore.GetAsync(connection, transaction, actor.OrgId, id) is not { } before)
        {
            return false;
        }

        var old = JsonNode.Parse(before.Data)!.AsObject();
        var after = RecordJson.ToRow(module, actor.OrgId, id, data, before.OwnerId, before.CreatedAt, before.CreatedBy, UnixTime.Ms(now), actor.User.Id);
        await RecordStore.UpdateAsync(connection, transaction, after);
        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, now, actor.User.Id, AuditActions.Update, AuditTargets.Record, module.Name, id, null,
            old.Select(kv => kv.Key).Union(data.Select(kv => kv.Key)).Where(n => !JsonNode.DeepEquals(old[n], data[n]))
                .Select(n => new FieldChange(n, RecordService.Plain(old[n]), RecordService.Plain(data[n]))));
        return true;
    }

    /// <summary>Moves the record (and its dependents) to the recycle bin; false when it is already gone.</summary>
    public async Task<bool> DeleteAsync(DbConnection connection, DbTransaction transaction, Actor actor, ModuleDefinition module, string id, DateTimeOffset now)
    {
        if (await RecordStore.GetAsync(connection, transaction, actor.OrgId, id, forDelete: true) is not { } row || row.Module != module.Name)
        {
            return false;
        }

        await recycleBin.MoveAsync(connection, transaction, actor, module, row, now);
        return true;
    }

    /// <summary>Card values as the text the CRM field takes: a lookup's name becomes the ID of the record with that name (or stays unset when none has it).</summary>
    private async Task<IReadOnlyList<(string Field, string? Value)>> ToStoredTextAsync(Actor actor, ModuleDefinition module, IReadOnlyDictionary<string, string?> values)
    {
        var result = new List<(string, string?)>();
        foreach (var (name, value) in values)
        {
            var field = module.Field(name);
            if (field is null)
            {
                continue;
            }

            if (field.Type == FieldTypes.Lookup && value is not null)
            {
                if (await IdByNameAsync(actor, field, value) is { } id)
                {
                    result.Add((name, id));
                }

                continue;
            }

            result.Add((name, FieldMapping.Empty(value)));
        }

        return result;
    }

    /// <summary>
    /// The record of the lookup's module with this name (its display field), created when there is none and
    /// the owner may create one that needs nothing else: a card's ORG becomes the contact's account.
    /// </summary>
    private async Task<string?> IdByNameAsync(Actor actor, FieldDefinition lookup, string name)
    {
        if (actor.Org.Module(lookup.LookupModule ?? "") is not { DisplayField: { } display } target)
        {
            return null;
        }

        await using var connection = await database.OpenAsync();
        var sql = $"SELECT id FROM records WHERE org_id = @orgId AND module = @module AND deleted_at IS NULL AND {database.JsonText("data", "@display")} = @name ORDER BY id";
        var parameters = new { orgId = actor.OrgId, module = target.Name, display, name };
        if (await connection.QueryFirstOrDefaultAsync<string>(sql, parameters) is { } found)
        {
            return found;
        }

        if (!actor.User.Can(target.Name, ModuleAction.Create) || target.Fields.Any(f => f.Required && f.Name != display))
        {
            return null;
        }

        var data = RecordJson.ApplyCells(target, [display], [name]);
        await using var transaction = await database.BeginWriteAsync(connection);
        // Another run may have created it since the read above, or be creating it now: the name is held until commit.
        await database.LockNameAsync(connection, transaction, $"record-name/{actor.OrgId}/{target.Name}/{name}");
        if (await connection.QueryFirstOrDefaultAsync<string>(sql, parameters, transaction) is { } raced)
        {
            return raced;
        }

        var id = Ids.New();
        await InsertAsync(connection, transaction, actor, target, id, data, clock.GetUtcNow(), database.ForKeyShare);
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Each lookup target's name: its module's display field.</summary>
    private static async Task<Dictionary<string, string>> NamesAsync(DbConnection connection, OrganizationState org, IEnumerable<string> ids)
    {
        var names = new Dictionary<string, string>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            var parameters = new DynamicParameters(new { orgId = org.Id });
            foreach (var row in await connection.QueryAsync<(string id, string module, string data)>(
                $"SELECT id, module, data FROM records WHERE org_id = @orgId AND id IN ({SqlList.Add(parameters, "i", chunk)})", parameters))
            {
                if (org.Module(row.module)?.DisplayField is { } display && JsonNode.Parse(row.data)![display] is { } value)
                {
                    names[row.id] = value.ToString();
                }
            }
        }

        return names;
    }
}
