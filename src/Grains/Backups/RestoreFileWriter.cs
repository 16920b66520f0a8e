using System.Security.Cryptography;
using CrmActors.Grains.Attachments;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Backups;

/// <summary>
/// The files of restored records, written beside the records: the plan already says which records restore, under
/// which IDs. A file whose ID is absent is copied from the Attachments ZIP into the blob store (checked against its
/// SHA-256) and recorded; one that is present but in the recycle bin or with other content is updated (its new bytes go
/// to a blob of their own, which the row points at once the batch commits, so a restore that stops halfway never changes
/// the bytes of a file the row still describes); an identical one is skipped.
/// </summary>
public sealed class RestoreFileWriter(
    IDatabase database, IBlobStore blobs, RestoreSource source, RestorePlan plan, OrganizationState org, RestoreRow restore, RestoreProgress progress, int batchSize)
{
    private sealed record Prepared(BackupCsvRow Row, FileLink? Link, string? FileId, string? RecordId, string? Failure);

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (progress.Resumed.FilesFinished)
        {
            return;
        }

        var skip = progress.Resumed.FileRows;
        var rows = new List<BackupCsvRow>(batchSize);
        long ordinal = 0;
        var files = source.Manifest.Files.Where(f => f.Kind == "files").Select(f => f.Name);
        await foreach (var row in BackupCsvReader.ReadAsync(source, files, cancellationToken))
        {
            if (++ordinal <= skip)
            {
                continue;
            }

            rows.Add(row);
            if (rows.Count == batchSize)
            {
                await FlushAsync(await PrepareAsync(rows), ordinal, done: false, cancellationToken);
                rows.Clear();
            }
        }

        await FlushAsync(await PrepareAsync(rows), ordinal, done: true, cancellationToken);
    }

    /// <summary>Each link's decision; links of modules this restore does not cover are left out.</summary>
    private async Task<List<Prepared>> PrepareAsync(List<BackupCsvRow> rows)
    {
        var links = rows.Select(row => (Row: row, Link: FileLink.From(row))).Where(r => r.Link is null || plan.InScope(r.Link.Module)).ToList();
        var records = await plan.EntriesAsync(links.Where(l => l.Link is not null).Select(l => l.Link!.RecordId).Distinct().ToList());
        return links.Select(l => l.Link switch
        {
            null => new Prepared(l.Row, null, null, null, "This row of the file links lacks record_id, module, file_id, file_name, sha256 or path."),
            { } link when !(records.TryGetValue(link.RecordId, out var record) && record.Restores) =>
                new Prepared(l.Row, link, null, null, $"Its record {link.RecordId} was not restored."),
            { } link when plan.RestorableFiles.Contains(link.FileId) =>
                new Prepared(l.Row, link, plan.FinalFile(link.FileId), RestorePlan.Final(records, link.RecordId), null),
            { } link => new Prepared(l.Row, link, null, null, $"{link.Path} is not in the backup's Attachments ZIP."),
        }).ToList();
    }

    private async Task FlushAsync(List<Prepared> batch, long ordinal, bool done, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var existing = (await RestoreIds.QueryByIdsAsync<(string Id, string Sha256, long? DeletedAt, string BlobPath)>(
                connection, null, "SELECT id, sha256, deleted_at, blob_path FROM attachments WHERE org_id = @org AND id = {ids}", new { org = org.Id },
                batch.Where(p => p.FileId is not null).Select(p => p.FileId!).ToList()))
            .ToDictionary(e => e.Id);
        var inserts = new List<AttachmentRow>();
        var updates = new List<AttachmentRow>();
        var replacedBlobs = new List<string>();
        var counts = progress.Counts;
        foreach (var prepared in batch)
        {
            var failure = prepared.Failure;
            var module = prepared.Link?.Module;
            if (failure is null && prepared.Link is { } link && prepared.FileId is { } fileId)
            {
                var row = new AttachmentRow(fileId, org.Id!, prepared.RecordId!, link.Field, link.FileName, link.ContentType, link.Size, link.Sha256,
                    BackupConstants.FileBlobPath(org.Id!, fileId), link.CreatedAt ?? restore.CreatedAt.ToUnixTimeMilliseconds(), link.CreatedBy ?? restore.RequestedBy);
                var present = existing.TryGetValue(fileId, out var current);
                if (present && current.DeletedAt is null && current.Sha256 == link.Sha256 && blobs.Exists(current.BlobPath))
                {
                    counts = counts with { FilesSkipped = counts.FilesSkipped + 1 };
                    continue;
                }

                if (present)
                {
                    // The present file keeps its bytes until the batch commits: the backup's go beside them, and the row switches over.
                    row = row with { BlobPath = $"{row.BlobPath}.{restore.Id}" };
                }

                (failure, var copied) = restore.DryRun ? (null, link.Size) : await CopyAsync(link, row.BlobPath, cancellationToken);
                if (failure is null)
                {
                    row = row with { Size = copied };
                    (present ? updates : inserts).Add(row);
                    if (present && !restore.DryRun && current.BlobPath != row.BlobPath)
                    {
                        // Deleted once the row points at the new blob; a silo dying in between leaves this one behind, unreferenced.
                        replacedBlobs.Add(current.BlobPath);
                    }

                    counts = present ? counts with { FilesUpdated = counts.FilesUpdated + 1 } : counts with { FilesCreated = counts.FilesCreated + 1 };
                    if (fileId != link.FileId)
                    {
                        progress.Add(new RestoreItem(RestoreItemKinds.Remap, module, prepared.Row.File, prepared.Row.Row, link.FileId, fileId, "file"));
                        counts = counts with { Remapped = counts.Remapped + 1 };
                    }

                    continue;
                }
            }

            progress.Add(new RestoreItem(RestoreItemKinds.Failed, module, prepared.Row.File, prepared.Row.Row, prepared.Link?.FileId, null, $"File not restored: {failure}"));
            counts = counts with { FilesFailed = counts.FilesFailed + 1 };
        }

        progress.Counts = counts;
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await progress.FenceAsync(connection, transaction);
        if (!restore.DryRun)
        {
            foreach (var row in inserts)
            {
                await AttachmentService.InsertAsync(connection, transaction, row);
            }

            await connection.ExecuteAsync(
                "UPDATE attachments SET record_id = @RecordId, field = @Field, file_name = @FileName, content_type = @ContentType, size = @Size, sha256 = @Sha256, " +
                "blob_path = @BlobPath, deleted_at = NULL, deleted_batch = NULL WHERE org_id = @OrgId AND id = @Id",
                updates, transaction);
        }

        await progress.SaveAsync(connection, transaction, c => c.WithFiles(done, ordinal));
        await transaction.CommitAsync(cancellationToken);
        progress.Saved();
        foreach (var path in replacedBlobs)
        {
            blobs.Delete(path);
        }
    }

    /// <summary>Copies the file from the Attachments ZIP into its blob; a file whose bytes do not match its SHA-256 is not stored.</summary>
    private async Task<(string? Failure, long Size)> CopyAsync(FileLink link, string blobPath, CancellationToken cancellationToken)
    {
        if (!source.HasAttachment(link.Path))
        {
            return ($"{link.Path} is not in the backup's Attachments ZIP.", 0);
        }

        await using var entry = await source.OpenAttachmentAsync(link.Path);
        await using var writer = blobs.Create(blobPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await entry.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await writer.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        if (Convert.ToHexStringLower(hash.GetHashAndReset()) != link.Sha256)
        {
            return ($"{link.Path} does not match its SHA-256 in the file links.", 0);
        }

        var size = writer.Length;
        await writer.CommitAsync();
        return (null, size);
    }
}
