using System.Collections.Immutable;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Backups;

/// <summary>A finished backup run: its ZIP parts (not yet published) and its manifest.</summary>
public sealed record BackupOutput(IReadOnlyList<BackupFile> Files, BackupManifest Manifest);

/// <summary>
/// Writes one backup from a single consistent snapshot of the org's data: the Attachments ZIP (every
/// attachment and upload-field file), then the Data ZIP (each module's CSV files streamed row by row
/// from the database, the record-to-file links, the manifest). Nothing is held whole in memory.
/// </summary>
public sealed class BackupExporter(IDatabase database, IBlobStore blobs, IOptions<BackupOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<BackupOutput> ExportAsync(OrganizationState org, string backupId, string folder, Func<double, Task> progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var snapshot = await BeginSnapshotAsync(connection, cancellationToken);
        await using var attachmentsZip = new ZipPartWriter(blobs, folder, "Attachments", BackupFileKinds.Attachments, settings.MaxPartBytes);
        await using var dataZip = new ZipPartWriter(blobs, folder, "Data", BackupFileKinds.Data, settings.MaxPartBytes);
        var files = new List<ManifestFile>();

        await using var links = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var attachments = await new AttachmentExporter(blobs, attachmentsZip).ExportAsync(connection, snapshot, org.Id!, links, cancellationToken);
        await attachmentsZip.CompleteAsync();

        var modules = ImmutableList.CreateBuilder<ManifestModule>();
        for (var i = 0; i < org.Modules.Count; i++)
        {
            modules.Add(await ExportModuleAsync(connection, snapshot, org.Id!, org.Modules[i], dataZip, files, cancellationToken));
            await progress((i + 1.0) / (org.Modules.Count + 1));
        }

        await AttachmentExporter.WriteLinksAsync(links, dataZip, settings.RowsPerCsv, files);
        var manifest = new BackupManifest(
            BackupConstants.FormatVersion, org.Id!, backupId, clock.GetUtcNow(), modules.ToImmutable(), [.. files],
            attachments with { Parts = [.. attachmentsZip.Parts.Select(p => new ManifestPart(p.Name, p.Size, p.Sha256))] },
            [.. BackupConstants.ExcludedCategories], BackupManifest.NeutralizationRule);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson);
        await using (var entry = await dataZip.BeginEntryAsync(BackupConstants.ManifestEntry, json.Length, CompressedSize(json)))
        {
            await entry.WriteAsync(json, cancellationToken);
        }

        await dataZip.CompleteAsync();
        return new BackupOutput([.. dataZip.Parts, .. attachmentsZip.Parts], manifest);
    }

    /// <summary>
    /// Streams the module's live records, ordered by ID, into its CSV files. A reader task reads each row as UTF-8
    /// (the stored JSON is never turned into strings) and formats it, while this one compresses and hashes.
    /// </summary>
    private async Task<ManifestModule> ExportModuleAsync(
        DbConnection connection, DbTransaction snapshot, string orgId, ModuleDefinition module, ZipPartWriter zip, List<ManifestFile> files, CancellationToken cancellationToken)
    {
        var fields = module.Fields.Select(f => f.Name).ToList();
        string[] header = ["id", .. fields, .. RecordJson.SystemFields];
        var encoder = new RecordCsvEncoder(fields);
        var (created, modified) = (new TimeText(), new TimeText());
        await using var series = new CsvEntrySeries(zip, n => $"{module.Name}_{n:D3}.csv", header, "records", module.Name, options.Value.RowsPerCsv, files);

        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText =
            "SELECT id, data, owner_id, created_by, created_at, modified_by, modified_at FROM records " +
            "WHERE org_id = @org AND module = @module AND deleted_at IS NULL ORDER BY id";
        AddParameter(command, "@org", orgId);
        AddParameter(command, "@module", module.Name);
        await new CsvRowPipe().RunAsync(
            async (rows, token) =>
            {
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, token);
                while (await reader.ReadAsync(token))
                {
                    // Columns in the CSV's order (SequentialAccess reads each once, in turn): id, the fields, Owner,
                    // Created_By, Created_Time, Modified_By, Modified_Time.
                    var csv = await rows.NextRowAsync();
                    csv.Cell(reader.GetFieldValue<byte[]>(0));
                    encoder.Write(reader.GetFieldValue<byte[]>(1), csv);
                    csv.Cell(reader.GetFieldValue<byte[]>(2));
                    csv.Cell(reader.GetFieldValue<byte[]>(3));
                    csv.Cell(created.Format(reader.GetInt64(4)));
                    csv.Cell(reader.GetFieldValue<byte[]>(5));
                    csv.Cell(modified.Format(reader.GetInt64(6)));
                    csv.EndRow();
                }
            },
            series.WriteRowAsync,
            cancellationToken);

        await series.CompleteAsync();
        return new ManifestModule(module.Name, series.TotalRows, [.. series.FileNames],
            [.. module.Fields.Select(f => new ManifestField(f.Name, f.Type, f.LookupModule))]);
    }

    /// <summary>One read transaction for the whole backup, so every module and file comes from the same moment.</summary>
    private static async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>The manifest is small: compressing it once in memory gives its exact size, so it never forces a part of its own needlessly.</summary>
    private static long CompressedSize(byte[] bytes)
    {
        using var counter = new HashingStream(Stream.Null, ownsInner: false);
        using (var deflate = new System.IO.Compression.DeflateStream(counter, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(bytes);
        }

        return counter.Count + (counter.Count >> 6) + 64;
    }

    internal static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Formats times as UTF-8, reusing the last text: rows written together share their timestamps.</summary>
    private sealed class TimeText
    {
        private readonly byte[] _text = new byte[40];
        private long _ms = long.MinValue;
        private int _length;

        public ReadOnlySpan<byte> Format(long ms)
        {
            if (ms != _ms)
            {
                DateTimeOffset.FromUnixTimeMilliseconds(ms).TryFormat(_text, out _length, "O", CultureInfo.InvariantCulture);
                _ms = ms;
            }

            return _text.AsSpan(0, _length);
        }
    }

    internal static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("O", CultureInfo.InvariantCulture);
}
