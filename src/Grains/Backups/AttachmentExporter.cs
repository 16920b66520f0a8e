using System.Collections.Immutable;
using System.Data;
using System.Data.Common;
using System.Globalization;
using CrmActors.Grains.Attachments;
using System.Text;
using CrmActors.Grains.Blobs;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Copies every live attachment and upload-field file of the org into the Attachments ZIP, and notes
/// for each a row of the record-to-file links (<c>files.csv</c>), spilled to a scratch file until the
/// Data ZIP takes it.
/// </summary>
public sealed class AttachmentExporter(IBlobStore blobs, ZipPartWriter zip)
{
    public static readonly IReadOnlyList<string> LinkHeader =
        ["record_id", "module", "field", "file_id", "file_name", "content_type", "size", "sha256", "part", "path", "created_time", "created_by"];

    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { NewLine = "\r\n" };

    public async Task<ManifestAttachments> ExportAsync(DbConnection connection, DbTransaction snapshot, string orgId, Stream links, CancellationToken cancellationToken)
    {
        var missing = ImmutableList.CreateBuilder<string>();
        long count = 0, bytes = 0;
        await using var writer = new StreamWriter(links, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await using var csv = new CsvWriter(writer, Config, leaveOpen: true);
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText =
            """
            SELECT a.id, a.record_id, a.field, a.file_name, a.content_type, a.blob_path, a.created_at, a.created_by, r.module
            FROM attachments a JOIN records r ON r.org_id = a.org_id AND r.id = a.record_id
            WHERE a.org_id = @org AND a.deleted_at IS NULL AND r.deleted_at IS NULL
            ORDER BY r.module, a.record_id, a.id
            """;
        BackupExporter.AddParameter(command, "@org", orgId);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (id, recordId, field, fileName, contentType, blobPath, createdAt, createdBy, module) = (
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8));
            Stream content;
            try
            {
                content = blobs.OpenRead(blobPath);
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                missing.Add(id);
                continue;
            }

            // Names are made safe on the way in; again on the way out, for rows stored before that rule.
            fileName = FileNames.Safe(fileName);
            var path = $"{module}/{recordId}/{id}/{fileName}";
            string part, sha256;
            long size;
            await using (content)
            {
                await using var entry = new HashingStream(await zip.BeginEntryAsync(path, content.Length), ownsInner: true);
                part = zip.CurrentPartName;
                await content.CopyToAsync(entry, cancellationToken);
                (size, sha256) = (entry.Count, entry.HashHex());
            }

            count++;
            bytes += size;
            foreach (var cell in new[] { recordId, module, field, id, BackupCells.Neutralize(fileName), BackupCells.Neutralize(contentType),
                size.ToString(CultureInfo.InvariantCulture), sha256, part, path, BackupExporter.Time(createdAt), createdBy })
            {
                csv.WriteField(cell);
            }

            await csv.NextRecordAsync();
        }

        await csv.FlushAsync();
        return new ManifestAttachments(count, bytes, [], missing.ToImmutable());
    }

    /// <summary>Copies the spilled link rows into the Data ZIP as <c>files.csv</c> (then files.2.csv, … if it must be split).</summary>
    public static async Task WriteLinksAsync(Stream links, ZipPartWriter zip, int rowsPerFile, ICollection<ManifestFile> files)
    {
        links.Position = 0;
        using var reader = new StreamReader(links, Encoding.UTF8, false, 1 << 16, leaveOpen: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false });
        await using var series = new CsvEntrySeries(zip, n => n == 1 ? BackupConstants.FilesEntry : $"files.{n}.csv", LinkHeader, "files", null, rowsPerFile, files);
        var cells = new string?[LinkHeader.Count];
        while (await csv.ReadAsync())
        {
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = csv.GetField(i);
                cells[i] = cell is { Length: > 0 } ? cell : null;
            }

            await series.WriteRowAsync(cells);
        }

        await series.CompleteAsync();
    }
}
