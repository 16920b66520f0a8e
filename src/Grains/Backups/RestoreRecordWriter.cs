using System.Data.Common;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Backups;

/// <summary>
/// The second pass of a restore: rows in restore order, in batches, each batch one transaction with
/// its counts, report items, audit entry and resume cursor. A row whose ID is absent is created, one
/// present with other values (or in the recycle bin) is updated, one already identical is skipped;
/// references are rewritten to remapped IDs. A dry run decides the same and writes only the report.
/// </summary>
public sealed class RestoreRecordWriter(
    IDatabase database, RecordStore store, RestoreSource source, RestorePlan plan, OrganizationState org, RestoreRow restore, RestoreProgress progress,
    TimeProvider clock, int batchSize)
{
    // The org's user IDs, looked up once per row: a backed-up owner who is no longer a user here becomes the requester.
    private readonly HashSet<string> _users = [.. org.Users.Select(u => u.Id)];

    private sealed record Prepared(BackupCsvRow Row, string? OldId, RecordRow? Record, string? Failure, List<string> Warnings, bool Present = false);

    /// <summary>A batch of prepared rows of one module, up to row <see cref="Ordinal"/>; <see cref="End"/> when it closes the module.</summary>
    private sealed record Batch(int Module, long Ordinal, List<Prepared> Rows, bool End);

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (progress.Resumed.RecordsDone)
        {
            return;
        }

        // Rows are read and prepared while the previous batch is written: CPU and database work overlap.
        var batches = Channel.CreateBounded<Batch>(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(() => PrepareAsync(batches.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token))
            {
                await FlushAsync(batch.Module, batch.Ordinal, batch.Rows, batch.End, stop.Token);
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PrepareAsync(ChannelWriter<Batch> batches, CancellationToken cancellationToken)
    {
        try
        {
            var start = progress.Resumed;
            for (var m = start.Module; m < plan.Modules.Count; m++)
            {
                var skip = m == start.Module ? start.Rows : 0;
                var rows = new List<BackupCsvRow>(batchSize);
                RestoreRowMapper? mapper = null;
                long ordinal = 0;
                await foreach (var row in BackupCsvReader.ReadAsync(source, plan.Modules[m].Backup.Files, cancellationToken))
                {
                    ordinal++;
                    if (ordinal <= skip)
                    {
                        continue;
                    }

                    rows.Add(row);
                    if (rows.Count == batchSize)
                    {
                        (mapper, var prepared) = await PrepareAsync(m, ordinal - rows.Count, rows, mapper);
                        await batches.WriteAsync(new Batch(m, ordinal, prepared, End: false), cancellationToken);
                        rows.Clear();
                    }
                }

                (_, var last) = await PrepareAsync(m, ordinal - rows.Count, rows, mapper);
                await batches.WriteAsync(new Batch(m, ordinal, last, End: true), cancellationToken);
            }

            batches.Complete();
        }
        catch (Exception exception)
        {
            batches.Complete(exception);
        }
    }

    /// <summary>
    /// Prepares a batch of rows of one module, the first of them row <paramref name="before"/> + 1, with the plan's entries
    /// for those rows (one range of its index) and, when the plan remaps record IDs, for the records their lookups name.
    /// </summary>
    private async Task<(RestoreRowMapper?, List<Prepared>)> PrepareAsync(int module, long before, List<BackupCsvRow> rows, RestoreRowMapper? mapper)
    {
        var mappers = new RestoreRowMapper?[rows.Count];
        var targets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            if (plan.Modules[module].Target is { } target)
            {
                mapper = mapper?.Header == rows[i].Header ? mapper : new RestoreRowMapper(target, rows[i].Header);
                mappers[i] = mapper;
                foreach (var (column, _) in plan.HasRecordRemaps ? mapper.Lookups : [])
                {
                    if (Ids.IsWellFormed(rows[i].Cells[column]))
                    {
                        targets.Add(rows[i].Cells[column]!);
                    }
                }
            }
        }

        var own = await plan.RowEntriesAsync(module, before, before + rows.Count);
        foreach (var (id, _) in own.Values)
        {
            targets.Remove(id);
        }

        var entries = await plan.EntriesAsync(targets);
        foreach (var (id, entry) in own.Values)
        {
            entries[id] = entry;
        }

        var prepared = new List<Prepared>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var ordinal = before + i + 1;
            prepared.Add(Prepare(module, rows[i], mappers[i], own.TryGetValue(ordinal, out var entry) ? entry : null, entries));
        }

        return (mapper, prepared);
    }

    /// <summary>A row's decision: <paramref name="own"/> is the plan's entry at its place (none: it repeats an earlier row's ID).</summary>
    private Prepared Prepare(int module, BackupCsvRow row, RestoreRowMapper? mapper, (string Id, PlanEntry Entry)? own, Dictionary<string, PlanEntry> entries)
    {
        var planned = plan.Modules[module];
        var oldId = mapper?.Id(row.Cells) ?? (Array.IndexOf(row.Header, "id") is >= 0 and var i ? row.Cells[i] : null);
        List<string> FileWarnings() => row.Row == 1 && mapper is { UnknownColumns.Count: > 0 }
            ? [$"Columns {string.Join(", ", mapper.UnknownColumns)} of {row.File} are not fields of {mapper.Module.Name} in this organization; their values were not restored."]
            : [];
        Prepared Fail(string reason) => new(row, oldId, null, reason, FileWarnings());

        if (planned.Target is not { } target || mapper is null)
        {
            return Fail($"This organization has no module {planned.Backup.Name}; create it, then restore again.");
        }

        if (!Ids.IsWellFormed(oldId))
        {
            return Fail($"The id '{oldId}' is not a CrmActors record ID.");
        }

        if (own is not var (id, entry) || id != oldId)
        {
            return Fail($"The id {oldId} appears earlier in the backup.");
        }

        if (entry.Failure is { } failure)
        {
            return Fail(failure);
        }

        var warnings = FileWarnings();
        var cleared = entry.Cleared;
        var data = mapper.Data(row.Cells, (field, value) =>
        {
            if (field.Type == FieldTypes.Lookup && cleared?.GetValueOrDefault(field.Name) is { } reason)
            {
                warnings.Add(reason);
                return null;
            }

            if (field.Type == FieldTypes.Lookup)
            {
                return RestorePlan.Final(entries, value);
            }

            if (plan.RestorableFiles.Contains(value))
            {
                return plan.FinalFile(value);
            }

            warnings.Add($"The file {value} of {field.Name} is not in the backup's Attachments ZIP; {field.Name} was left empty.");
            return null;
        });
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var owner = mapper.Owner(row.Cells) is { } o && _users.Contains(o) ? o : restore.RequestedBy;
        var record = new RecordRow(entry.NewId ?? oldId, org.Id!, target.Name, owner,
            mapper.CreatedAt(row.Cells) ?? now, mapper.CreatedBy(row.Cells) ?? restore.RequestedBy,
            mapper.ModifiedAt(row.Cells) ?? now, mapper.ModifiedBy(row.Cells) ?? restore.RequestedBy, data.Email, data.ParentId, data.Json);
        return new Prepared(row, oldId, record, null, warnings, entry.Present);
    }

    private async Task FlushAsync(int module, long ordinal, List<Prepared> batch, bool endOfModule, CancellationToken cancellationToken)
    {
        var name = plan.Modules[module].Backup.Name;
        await using var connection = await database.OpenAsync(cancellationToken);
        // Only IDs the plan found here can exist: a fresh restore reads nothing back.
        var existing = (await RestoreIds.QueryByIdsAsync<(string Id, string OwnerId, string Data, long? DeletedAt)>(
                connection, null, "SELECT id, owner_id, data, deleted_at FROM records WHERE org_id = @org AND id = {ids}", new { org = org.Id },
                batch.Where(p => p is { Record: not null, Present: true }).Select(p => p.Record!.Id).ToList()))
            .ToDictionary(e => e.Id);
        var inserts = new List<RecordRow>();
        var updates = new List<RecordRow>();
        var written = new List<Written>();
        var counts = progress.Counts;
        foreach (var prepared in batch)
        {
            foreach (var warning in prepared.Warnings)
            {
                progress.Add(new RestoreItem(RestoreItemKinds.Warning, name, prepared.Row.File, prepared.Row.Row, prepared.OldId, prepared.Record?.Id, warning));
                counts = counts with { Warnings = counts.Warnings + 1 };
            }

            if (prepared.Record is not { } record)
            {
                progress.Add(new RestoreItem(RestoreItemKinds.Failed, name, prepared.Row.File, prepared.Row.Row, prepared.OldId, null, prepared.Failure));
                counts = counts with { Failed = counts.Failed + 1 };
                continue;
            }

            if (record.Id != prepared.OldId)
            {
                progress.Add(new RestoreItem(RestoreItemKinds.Remap, name, prepared.Row.File, prepared.Row.Row, prepared.OldId, record.Id, null));
                counts = counts with { Remapped = counts.Remapped + 1 };
            }

            if (!existing.TryGetValue(record.Id, out var current))
            {
                inserts.Add(record);
                written.Add(new Written(prepared, record, Insert: true, Created: true));
                counts = counts with { Created = counts.Created + 1 };
            }
            else if (current.DeletedAt is not null)
            {
                // In the recycle bin: brought back with the backed-up values, which counts as created.
                updates.Add(record);
                written.Add(new Written(prepared, record, Insert: false, Created: true));
                counts = counts with { Created = counts.Created + 1 };
            }
            else if (current.OwnerId == record.OwnerId && JsonNode.DeepEquals(JsonNode.Parse(current.Data), JsonNode.Parse(record.Data)))
            {
                counts = counts with { Skipped = counts.Skipped + 1 };
            }
            else
            {
                updates.Add(record);
                written.Add(new Written(prepared, record, Insert: false, Created: false));
                counts = counts with { Updated = counts.Updated + 1 };
            }
        }

        progress.Counts = counts;

        var done = endOfModule && module + 1 == plan.Modules.Count;
        var (nextModule, nextRows) = endOfModule ? (module + 1, 0L) : (module, ordinal);
        try
        {
            // The write lock is taken only now, for the writes: on SQLite every other writer waits for it.
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            await progress.FenceAsync(connection, transaction);
            if (!restore.DryRun && inserts.Count + updates.Count > 0)
            {
                await store.InsertManyAsync(connection, transaction, inserts);
                await connection.ExecuteAsync(UpdateSql, updates, transaction);
                await AuditAsync(connection, transaction, name, inserts.Count, updates.Count);
            }

            await progress.SaveAsync(connection, transaction, c => c.WithRecords(done, nextModule, nextRows));
            await transaction.CommitAsync(cancellationToken);
            progress.Saved();
        }
        catch (DbException) when (!restore.DryRun && written.Count > 0)
        {
            // A row the database refuses must not fail the whole restore (leaving earlier batches live and the
            // rest never attempted): the batch is written again row by row, each behind a savepoint, in one
            // transaction with the counts and the cursor. A refused row is reported with the database's reason.
            await WriteRowByRowAsync(connection, name, written, done, nextModule, nextRows, cancellationToken);
        }
    }

    private const string UpdateSql =
        "UPDATE records SET data = @Data, email = @Email, parent_id = @ParentId, owner_id = @OwnerId, created_at = @CreatedAt, created_by = @CreatedBy, " +
        "modified_at = @ModifiedAt, modified_by = @ModifiedBy, deleted_at = NULL, deleted_batch = NULL WHERE org_id = @OrgId AND id = @Id";

    /// <summary>A row the batch writes: whether it is inserted, and whether it counted as created (else updated).</summary>
    private sealed record Written(Prepared Prepared, RecordRow Record, bool Insert, bool Created);

    private Task AuditAsync(DbConnection connection, DbTransaction transaction, string module, int inserted, int updated) =>
        AuditLog.WriteAsync(connection, transaction, org.Id!, clock.GetUtcNow(), restore.RequestedBy, AuditActions.Restore, AuditTargets.Record,
            module, null, null, [new FieldChange("inserted", null, inserted), new FieldChange("updated", null, updated), new FieldChange("restoreId", null, restore.Id)]);

    private async Task WriteRowByRowAsync(
        DbConnection connection, string module, List<Written> rows, bool done, int nextModule, long nextRows, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await progress.FenceAsync(connection, transaction);
        int inserted = 0, updated = 0;
        foreach (var row in rows)
        {
            await connection.ExecuteAsync("SAVEPOINT crm_restore_row", transaction: transaction);
            try
            {
                if (row.Insert)
                {
                    await store.InsertManyAsync(connection, transaction, [row.Record]);
                    inserted++;
                }
                else
                {
                    await connection.ExecuteAsync(UpdateSql, row.Record, transaction);
                    updated++;
                }

                await connection.ExecuteAsync("RELEASE SAVEPOINT crm_restore_row", transaction: transaction);
            }
            catch (DbException refused)
            {
                await connection.ExecuteAsync("ROLLBACK TO SAVEPOINT crm_restore_row", transaction: transaction);
                await connection.ExecuteAsync("RELEASE SAVEPOINT crm_restore_row", transaction: transaction);
                var counts = progress.Counts;
                progress.Counts = (row.Created ? counts with { Created = counts.Created - 1 } : counts with { Updated = counts.Updated - 1 }) with { Failed = counts.Failed + 1 };
                progress.Add(new RestoreItem(RestoreItemKinds.Failed, module, row.Prepared.Row.File, row.Prepared.Row.Row, row.Prepared.OldId, null,
                    $"The database refused this row: {refused.Message.Split('\n')[0]}"));
            }
        }

        if (inserted + updated > 0)
        {
            await AuditAsync(connection, transaction, module, inserted, updated);
        }

        await progress.SaveAsync(connection, transaction, c => c.WithRecords(done, nextModule, nextRows));
        await transaction.CommitAsync(cancellationToken);
        progress.Saved();
    }
}
