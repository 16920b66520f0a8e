using System.Data.Common;
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
/// A pass's writes: each batch's ledger entries, records (or attachment rows), report lines, audit
/// entry and resume cursor commit in one transaction behind the run's fence, so an attempt that
/// resumes after a crash starts after the last committed batch and a superseded attempt commits
/// nothing. The ledger entries go first: a source ID the ledger already has (an earlier batch, pass
/// or attempt) is reported already migrated and gets no record. Attachment files are copied to the
/// blob store before their batch commits, at a path fixed by the job and source ID, so a retried
/// batch overwrites rather than duplicates them.
/// </summary>
public sealed class MigrationPassSink(
    IDatabase database, RecordStore records, IBlobStore blobs, RunContext run, MigrationJobState job, int pass,
    IReadOnlyList<ModuleDefinition> orgModules, MigrationLedger ledger, TimeProvider clock) : IMigrationSink
{
    private static readonly string[] ReportColumns = ["job_id", "pass", "part", "row_number", "module", "source_id", "new_id", "status", "error"];

    /// <summary>The part being run and its index in the pass (the report's and the cursor's key).</summary>
    public (int Index, MigrationSource Source) Part { get; set; }

    /// <summary>Source rows the pass has handled so far (the cursor's count, for progress).</summary>
    public long RowsDone { get; set; }

    /// <summary>Source rows of the whole pass (counted when the files were uploaded).</summary>
    public long TotalRows { get; init; }

    public IMigrationLedger Ledger => ledger;

    /// <summary>Everywhere but attachments, whose commit reads the ledger as it copies their files.</summary>
    public bool OverlapsCommits(string module) => module != MigrationModules.Attachments;

    public Task LoadLedgerAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) => ledger.LoadAsync(keys, cancellationToken);

    public async Task<IReadOnlyList<ReportLine>> CommitAsync(MigrationSourcePart part, long lastRow, IReadOnlyList<MigrationBatchRow> rows, CancellationToken cancellationToken)
    {
        var module = part.Module;
        var now = UnixTime.Ms(clock.GetUtcNow());
        var written = rows.Where(r => r.Write is not null).ToList();
        var writes = written.Select(r => r.Write!).ToList();
        var ids = writes.ToDictionary(w => w.Record.SourceId, _ => Ids.New(), StringComparer.Ordinal);
        Dictionary<string, AttachmentRow>? files = null;
        if (module == MigrationModules.Attachments)
        {
            (files, var unreadable) = await CopyAttachmentsAsync(writes, ids, now, cancellationToken);
            if (unreadable.Count > 0)
            {
                // A file the ZIP cannot give is its row's failure, reported like any bad row; the pass goes on.
                rows = [.. rows.Select(r => r.Write is { } w && unreadable.TryGetValue(w.Record.SourceId, out var error) ? new MigrationBatchRow(r.Row, ReportLine.Failed(w.Record.SourceId, error)) : r)];
                written = [.. rows.Where(r => r.Write is not null)];
                writes = [.. written.Select(r => r.Write!)];
            }
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var parentOwners = module is MigrationModules.TicketThreads or MigrationModules.TicketComments
            ? await TicketOwnersAsync(connection, writes.Select(w => w.Record.Values["Ticket_Id"]!.GetValue<string>()))
            : null;
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await run.FenceAsync(connection, transaction);
        var had = writes.Count == 0 ? [] : await ledger.AddAsync(connection, transaction, module, pass, Part.Index,
            [.. written.Select(r => (r.Write!.Record.SourceId, ids[r.Write.Record.SourceId], r.Row, r.Write.Owner?.ReportNote))]);
        var fresh = writes.Where(w => !had.ContainsKey(w.Record.SourceId)).ToList();
        if (files is not null)
        {
            foreach (var write in fresh)
            {
                await AttachmentService.InsertAsync(connection, transaction, files[write.Record.SourceId]);
            }
        }
        else if (fresh.Count > 0)
        {
            // Threads and comments follow their ticket's owner; tickets get theirs by agent e-mail; the rest the requester.
            var definition = MigrationModules.DefinitionIn(orgModules, module);
            await records.InsertManyAsync(connection, transaction, [.. fresh.Select(w => RecordJson.ToRow(definition, job.OrgId, ids[w.Record.SourceId], w.Record.Values,
                w.Owner?.OwnerId ?? parentOwners?.GetValueOrDefault(w.Record.Values["Ticket_Id"]!.GetValue<string>()) ?? job.RequestedBy,
                w.Record.CreatedAt ?? now, job.RequestedBy, w.Record.ModifiedAt ?? w.Record.CreatedAt ?? now, job.RequestedBy))]);
        }

        var lines = rows.Select(r => r.Line ?? (had.TryGetValue(r.Write!.Record.SourceId, out var existing) ? r.Write.AlreadyMigrated(existing) : r.Write.Migrated(ids[r.Write.Record.SourceId]))).ToArray();
        // A migrated row's line is its ledger entry; the others go to the report table.
        await BulkInsert.InsertAsync(connection, transaction, "migration_report", ReportColumns,
            lines.Select((l, i) => (Line: l, rows[i].Row)).Where(l => l.Line.Status != MigrationStatuses.Migrated)
                .Select(l => new object?[] { job.Id, pass, Part.Index, l.Row, module, l.Line.SourceId, l.Line.NewId, l.Line.Status, l.Line.Error }), cancellationToken);
        var counts = lines.Aggregate(ModuleCounts.Zero, (c, l) => c.Add(l.Status));
        await connection.ExecuteAsync(
            """
            INSERT INTO migration_counts (job_id, pass, module, migrated, failed, skipped) VALUES (@jobId, @pass, @module, @Migrated, @Failed, @Skipped)
            ON CONFLICT (job_id, pass, module) DO UPDATE SET migrated = migration_counts.migrated + excluded.migrated,
                failed = migration_counts.failed + excluded.failed, skipped = migration_counts.skipped + excluded.skipped
            """,
            new { jobId = job.Id, pass, module, counts.Migrated, counts.Failed, counts.Skipped }, transaction);

        var done = RowsDone + lines.Length;
        await connection.ExecuteAsync(
            """
            INSERT INTO migration_cursors (job_id, pass, part, row_number, rows_done) VALUES (@jobId, @pass, @part, @row, @done)
            ON CONFLICT (job_id, pass) DO UPDATE SET part = excluded.part, row_number = excluded.row_number, rows_done = excluded.rows_done
            """,
            new { jobId = job.Id, pass, part = Part.Index, row = lastRow, done }, transaction);
        if (fresh.Count > 0)
        {
            await AuditLog.WriteAsync(connection, transaction, job.OrgId, clock.GetUtcNow(), job.RequestedBy, AuditActions.BulkCreate, AuditTargets.Record,
                MigrationModules.CrmModules[module], null, null,
                [new FieldChange("migrated", null, fresh.Count), new FieldChange("migrationId", null, job.Id), new FieldChange("pass", null, pass)]);
        }

        await transaction.CommitAsync(cancellationToken);
        RowsDone = done;
        await run.ReportProgressAsync(TotalRows == 0 ? 0 : Math.Min(0.99, (double)done / TotalRows));
        return lines;
    }

    /// <summary>
    /// Copies the batch's attachment files to the blob store before its transaction, at a path fixed by the job and
    /// source ID, so a retried batch overwrites rather than duplicates them; a file the ledger already has is left
    /// alone (copying it would change an existing record's file).
    /// </summary>
    /// <remarks>
    /// A file the ZIP holds but cannot give (encrypted, compressed by a method other than Deflate, or damaged: upload
    /// reads only the CSVs) is returned with the reason, for its row to fail.
    /// </remarks>
    private async Task<(Dictionary<string, AttachmentRow> Files, Dictionary<string, string> Unreadable)> CopyAttachmentsAsync(
        List<MigrationWrite> writes, Dictionary<string, string> ids, long now, CancellationToken cancellationToken)
    {
        await ledger.LoadAsync([.. writes.Select(w => (MigrationModules.Attachments, w.Record.SourceId))], cancellationToken);
        var files = new Dictionary<string, AttachmentRow>(StringComparer.Ordinal);
        var unreadable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var write in writes.Where(w => !ledger.TryResolve(MigrationModules.Attachments, w.Record.SourceId, out _)))
        {
            try
            {
                files[write.Record.SourceId] = await CopyAttachmentAsync(ids[write.Record.SourceId], write.Record, now, cancellationToken);
            }
            catch (InvalidDataException e)
            {
                unreadable[write.Record.SourceId] = $"{write.Record.Values["Path"]!.GetValue<string>()} in the ZIP cannot be read ({e.Message.TrimEnd('.')}): "
                    + "save the ZIP without a password and with standard (Deflate) compression, and add it again for the second pass.";
            }
        }

        return (files, unreadable);
    }

    private async Task<Dictionary<string, string>> TicketOwnersAsync(DbConnection connection, IEnumerable<string> ticketIds) =>
        (await RestoreIds.QueryByUniqueKeyAsync<(string Id, string Owner)>(connection, null,
                "id, owner_id", "records", "org_id = @org", "id", new { org = job.OrgId }, [.. ticketIds.Distinct()]))
            .ToDictionary(r => r.Id, r => r.Owner);

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
