using System.Security.Cryptography;
using CrmActors.Grains.Attachments;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A pass's writes: each batch's records (or attachment rows), ledger entries, report lines, audit
/// entry and resume cursor commit in one transaction behind the run's fence, so an attempt that
/// resumes after a crash starts after the last committed batch and a superseded attempt commits
/// nothing. Attachment files are copied to the blob store before their batch commits, at a path
/// fixed by the job and source ID, so a retried batch overwrites rather than duplicates them.
/// </summary>
public sealed class MigrationPassSink(
    IDatabase database, RecordStore records, IBlobStore blobs, RunContext run, MigrationJobState job, int pass,
    IReadOnlyList<ModuleDefinition> orgModules, MigrationLedger ledger, TimeProvider clock) : IMigrationSink
{
    private static readonly string[] LedgerColumns = ["job_id", "module", "source_id", "new_id", "pass"];
    private static readonly string[] ReportColumns = ["job_id", "pass", "part", "row_number", "module", "source_id", "new_id", "status", "error"];

    private readonly List<RecordRow> _records = [];
    private readonly List<AttachmentRow> _attachments = [];
    private readonly List<(string Module, string SourceId, string NewId)> _entries = [];

    /// <summary>The part being run and its index in the pass (the report's and the cursor's key).</summary>
    public (int Index, MigrationSource Source) Part { get; set; }

    /// <summary>Source rows the pass has handled so far (the cursor's count, for progress).</summary>
    public long RowsDone { get; set; }

    /// <summary>Source rows of the whole pass (counted when the files were uploaded).</summary>
    public long TotalRows { get; init; }

    public IMigrationLedger Ledger => ledger;

    public Task LoadLedgerAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) => ledger.LoadAsync(keys, cancellationToken);

    public async Task<IReadOnlyList<string>> WriteAsync(string module, IReadOnlyList<MigrationWrite> batch, CancellationToken cancellationToken)
    {
        var ids = new string[batch.Count];
        var now = UnixTime.Ms(clock.GetUtcNow());
        var parentOwners = module is MigrationModules.TicketThreads or MigrationModules.TicketComments
            ? await TicketOwnersAsync(batch.Select(b => b.Record.Values["Ticket_Id"]!.GetValue<string>()), cancellationToken)
            : null;
        for (var i = 0; i < batch.Count; i++)
        {
            var (record, owner) = batch[i];
            ids[i] = Ids.New();
            if (module == MigrationModules.Attachments)
            {
                _attachments.Add(await CopyAttachmentAsync(ids[i], record, now, cancellationToken));
            }
            else
            {
                // Threads and comments follow their ticket's owner; tickets get theirs by agent e-mail; the rest the requester.
                var ownerId = owner?.OwnerId ?? parentOwners?.GetValueOrDefault(record.Values["Ticket_Id"]!.GetValue<string>()) ?? job.RequestedBy;
                _records.Add(RecordJson.ToRow(MigrationModules.DefinitionIn(orgModules, module), job.OrgId, ids[i], record.Values, ownerId,
                    record.CreatedAt ?? now, job.RequestedBy, record.ModifiedAt ?? record.CreatedAt ?? now, job.RequestedBy));
            }

            _entries.Add((module, record.SourceId, ids[i]));
        }

        return ids;
    }

    public async Task CheckpointAsync(MigrationSourcePart part, long row, IReadOnlyList<(long Row, string Module, ReportLine Line)> lines, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await run.FenceAsync(connection, transaction);
        if (_records.Count > 0)
        {
            await records.InsertManyAsync(connection, transaction, _records);
        }

        foreach (var attachment in _attachments)
        {
            await AttachmentService.InsertAsync(connection, transaction, attachment);
        }

        await BulkInsert.InsertAsync(connection, transaction, "migration_ledger", LedgerColumns,
            _entries.Select(e => new object?[] { job.Id, e.Module, e.SourceId, e.NewId, pass }), cancellationToken);
        await BulkInsert.InsertAsync(connection, transaction, "migration_report", ReportColumns,
            lines.Select(l => new object?[] { job.Id, pass, Part.Index, l.Row, l.Module, l.Line.SourceId, l.Line.NewId, l.Line.Status, l.Line.Error }), cancellationToken);
        foreach (var module in lines.GroupBy(l => l.Module))
        {
            var counts = module.Aggregate(ModuleCounts.Zero, (c, l) => c.Add(l.Line.Status));
            await connection.ExecuteAsync(
                """
                INSERT INTO migration_counts (job_id, pass, module, migrated, failed, skipped) VALUES (@jobId, @pass, @module, @Migrated, @Failed, @Skipped)
                ON CONFLICT (job_id, pass, module) DO UPDATE SET migrated = migration_counts.migrated + excluded.migrated,
                    failed = migration_counts.failed + excluded.failed, skipped = migration_counts.skipped + excluded.skipped
                """,
                new { jobId = job.Id, pass, module = module.Key, counts.Migrated, counts.Failed, counts.Skipped }, transaction);
        }

        var done = RowsDone + lines.Count;
        await connection.ExecuteAsync(
            """
            INSERT INTO migration_cursors (job_id, pass, part, row_number, rows_done) VALUES (@jobId, @pass, @part, @row, @done)
            ON CONFLICT (job_id, pass) DO UPDATE SET part = excluded.part, row_number = excluded.row_number, rows_done = excluded.rows_done
            """,
            new { jobId = job.Id, pass, part = Part.Index, row, done }, transaction);
        if (_entries.Count > 0)
        {
            await AuditLog.WriteAsync(connection, transaction, job.OrgId, clock.GetUtcNow(), job.RequestedBy, AuditActions.BulkCreate, AuditTargets.Record,
                MigrationModules.CrmModules[part.Module], null, null,
                [new FieldChange("migrated", null, _entries.Count), new FieldChange("migrationId", null, job.Id), new FieldChange("pass", null, pass)]);
        }

        await transaction.CommitAsync(cancellationToken);
        RowsDone = done;
        await run.ReportProgressAsync(TotalRows == 0 ? 0 : Math.Min(0.99, (double)done / TotalRows));
        _records.Clear();
        _attachments.Clear();
        _entries.Clear();
    }

    private async Task<Dictionary<string, string>> TicketOwnersAsync(IEnumerable<string> ticketIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await RestoreIds.QueryByIdsAsync<(string Id, string Owner)>(connection, null,
                "SELECT id, owner_id FROM records WHERE org_id = @org AND id = {ids}", new { org = job.OrgId }, [.. ticketIds.Distinct()]))
            .ToDictionary(r => r.Id, r => r.Owner);
    }

    private async Task<AttachmentRow> CopyAttachmentAsync(string id, MigrationRecord record, long now, CancellationToken cancellationToken)
    {
        var path = $"orgs/{job.OrgId}/migrations/{job.Id}/attachments/{Ids.Sha256(record.SourceId)[..40]}";
        await using var writer = blobs.Create(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var content = await Part.Source.OpenFileAsync(record.Values["Path"]!.GetValue<string>(), cancellationToken))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await writer.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        var size = writer.Length;
        await writer.CommitAsync();
        return new AttachmentRow(id, job.OrgId, record.Values["Ticket_Id"]!.GetValue<string>(), null, record.Values["File_Name"]!.GetValue<string>(),
            "application/octet-stream", size, Convert.ToHexStringLower(hash.GetHashAndReset()), path, record.CreatedAt ?? now, job.RequestedBy);
    }
}
