using System.Security.Cryptography;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Attachments;

/// <summary>
/// Attachments and upload-field files: streamed into the blob store (never whole in memory), hashed
/// on the way, refused past the size limit with nothing stored, then recorded in one transaction.
/// </summary>
public sealed class AttachmentService(IDatabase database, IBlobStore blobs, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, record_id AS RecordId, field AS Field, file_name AS FileName, content_type AS ContentType, size AS Size, " +
        "sha256 AS Sha256, blob_path AS BlobPath, created_at AS CreatedAt, created_by AS CreatedBy";

    public async Task<AttachmentRow> UploadAsync(Actor actor, string moduleName, string recordId, string? fieldName,
        string fileName, string contentType, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var module = actor.Authorize(moduleName, ModuleAction.Edit);
        var field = fieldName is null ? null : module.Field(fieldName) is { } f && FieldTypes.IsUpload(f.Type)
            ? f : throw ProblemException.Validation(fieldName, $"{module.Name} has no file or image upload field {fieldName}.");
        await using (var check = await database.OpenAsync(cancellationToken))
        {
            await RecordService.RequireAsync(check, null, actor, module, recordId);
        }

        var id = Ids.New();
        var path = $"orgs/{actor.OrgId}/files/{id}";
        await using var writer = blobs.Create(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        var first = Array.Empty<byte>();
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (writer.Length + read > maxBytes)
            {
                throw new ProblemException(413, ProblemCodes.PayloadTooLarge, $"The file is larger than {maxBytes} bytes, the upload limit; nothing was stored.");
            }

            if (first.Length < ImageSignatures.HeaderBytes)
            {
                // The signature may arrive over several short reads (WebP needs 12 bytes).
                first = [.. first, .. buffer.AsSpan(0, Math.Min(read, ImageSignatures.HeaderBytes - first.Length))];
            }

            hash.AppendData(buffer, 0, read);
            await writer.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        if (field?.Type == FieldTypes.ImageUpload && !ImageSignatures.IsImage(first))
        {
            throw ProblemException.Validation(field.Name, $"{field.Name} takes an image (PNG, JPEG, GIF or WebP).");
        }

        var now = clock.GetUtcNow();
        var row = new AttachmentRow(id, actor.OrgId, recordId, field?.Name, FileNames.Safe(fileName), FileNames.SafeContentType(contentType), writer.Length,
            Convert.ToHexStringLower(hash.GetHashAndReset()), path, UnixTime.Ms(now), actor.User.Id);
        await writer.CommitAsync();
        try
        {
            await RecordAsync(actor, module, row, now, cancellationToken);
        }
        catch
        {
            blobs.Delete(path);
            throw;
        }

        return row;
    }

    private async Task RecordAsync(Actor actor, ModuleDefinition module, AttachmentRow row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var record = await RecordService.RequireAsync(connection, transaction, actor, module, row.RecordId);
        await InsertAsync(connection, transaction, row);
        FieldChange change = new("attachment", null, row.FileName);
        string? replacedBlob = null;
        if (row.Field is { } field)
        {
            // A new file in an upload field replaces the old one, whose blob goes once this commits.
            var data = System.Text.Json.Nodes.JsonNode.Parse(record.Data)!.AsObject();
            var previous = data[field]?.GetValue<string>();
            data[field] = row.Id;
            await RecordStore.UpdateAsync(connection, transaction, record with { Data = data.ToJsonString(), ModifiedAt = UnixTime.Ms(now), ModifiedBy = actor.User.Id });
            change = new(field, previous, row.Id);
            replacedBlob = previous is null ? null : await connection.QuerySingleOrDefaultAsync<string>(
                "DELETE FROM attachments WHERE org_id = @OrgId AND id = @previous RETURNING blob_path", new { row.OrgId, previous }, transaction);
        }

        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, now, actor.User.Id, AuditActions.Update, AuditTargets.Record, module.Name, row.RecordId, null, [change]);
        await transaction.CommitAsync(cancellationToken);
        if (replacedBlob is not null)
        {
            blobs.Delete(replacedBlob);
        }
    }

    public static Task InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, AttachmentRow row) =>
        connection.ExecuteAsync(
            "INSERT INTO attachments (id, org_id, record_id, field, file_name, content_type, size, sha256, blob_path, created_at, created_by) " +
            "VALUES (@Id, @OrgId, @RecordId, @Field, @FileName, @ContentType, @Size, @Sha256, @BlobPath, @CreatedAt, @CreatedBy)", row, transaction);

    public async Task<IReadOnlyList<AttachmentRow>> ListAsync(Actor actor, string moduleName, string recordId)
    {
        var module = actor.Authorize(moduleName, ModuleAction.View);
        await using var connection = await database.OpenAsync();
        await RecordService.RequireAsync(connection, null, actor, module, recordId);
        return (await connection.QueryAsync<AttachmentRow>(
            $"SELECT {Columns} FROM attachments WHERE org_id = @OrgId AND record_id = @recordId AND deleted_at IS NULL ORDER BY id",
            new { actor.OrgId, recordId })).ToList();
    }

    /// <summary>The attachment and an open stream of its bytes, if the user may see its record.</summary>
    public async Task<(AttachmentRow Row, Stream Content)> OpenAsync(Actor actor, string moduleName, string recordId, string attachmentId)
    {
        var row = (await ListAsync(actor, moduleName, recordId)).FirstOrDefault(a => a.Id == attachmentId)
            ?? throw ProblemException.NotFound($"Attachment {attachmentId}");
        return (row, blobs.OpenRead(row.BlobPath));
    }
}
