using System.Globalization;
using System.IO.Compression;
using System.Text;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Writes a report (SPEC §3) as a pass or dry run goes: each line is appended to the module's CSV in
/// a scratch blob of the blob store (a write never committed, so it vanishes on dispose and a killed
/// writer's leftovers are swept with the store's abandoned writes), so millions of rows hold no
/// report in memory; <see cref="WriteZipAsync"/> then streams those files into the ZIP, one
/// <c>&lt;module&gt;.csv</c> per module in migration order. A run's report is rebuilt from its rows in
/// the database instead (<see cref="WriteZipAsync(Stream, IEnumerable{string}, Func{string, IAsyncEnumerable{ReportLine}}, CancellationToken)"/>).
/// CSV as the backups write it: UTF-8 with BOM, RFC 4180, CRLF, and formula-like cells neutralized.
/// </summary>
public sealed class MigrationReportWriter(IBlobStore blobs) : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Header = ["source_id", "new_id", "status", "error"];

    private static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { NewLine = "\r\n" };

    private readonly string _folder = "scratch/migration-reports/" + Ids.New();
    private readonly Dictionary<string, (BlobWriter Blob, CsvWriter Csv)> _writers = [];
    private readonly Dictionary<string, ModuleCounts> _counts = [];

    public IReadOnlyDictionary<string, ModuleCounts> Counts => _counts;

    public void Append(string module, ReportLine line)
    {
        if (!MigrationModules.IsModule(module))
        {
            throw new ArgumentException($"'{module}' is not a migration module.", nameof(module));
        }

        // Count first: an unknown status throws before anything is written.
        var counts = (_counts.GetValueOrDefault(module) ?? ModuleCounts.Zero).Add(line.Status);
        Write(WriterFor(module).Csv, line);
        _counts[module] = counts;
    }

    /// <summary>
    /// Streams the report ZIP to <paramref name="destination"/> (which may be non-seekable, e.g. a
    /// blob upload). <paramref name="modules"/>, when given, also gets a header-only CSV for each
    /// module that had no rows, so the report lists every module the job selected.
    /// </summary>
    public async Task WriteZipAsync(Stream destination, IEnumerable<string>? modules = null, CancellationToken cancellationToken = default)
    {
        foreach (var module in modules ?? [])
        {
            WriterFor(module);
        }

        foreach (var (_, csv) in _writers.Values)
        {
            await csv.FlushAsync();
        }

        await using var zip = await ZipArchive.CreateAsync(destination, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        foreach (var module in MigrationModules.InMigrationOrder(_writers.Keys, m => m))
        {
            var entry = zip.CreateEntry($"{module}.csv", CompressionLevel.Optimal);
            await using var target = await entry.OpenAsync(cancellationToken);
            var scratch = _writers[module].Blob.Stream;
            var end = scratch.Position;
            scratch.Position = 0;
            await scratch.CopyToAsync(target, cancellationToken);
            scratch.Position = end;
        }
    }

    /// <summary>
    /// Streams a report ZIP whose lines come from elsewhere (a run's rows in the database): one
    /// <c>&lt;module&gt;.csv</c> per module of <paramref name="modules"/>, in migration order.
    /// </summary>
    public static async Task WriteZipAsync(Stream destination, IEnumerable<string> modules, Func<string, IAsyncEnumerable<ReportLine>> linesOf, CancellationToken cancellationToken)
    {
        await using var zip = await ZipArchive.CreateAsync(destination, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        foreach (var module in MigrationModules.InMigrationOrder(modules.Distinct(), m => m))
        {
            var entry = zip.CreateEntry($"{module}.csv", CompressionLevel.Optimal);
            await using var target = await entry.OpenAsync(cancellationToken);
            await using var csv = Open(target);
            await foreach (var line in linesOf(module).WithCancellation(cancellationToken))
            {
                Write(csv, line);
            }
        }
    }

    private static CsvWriter Open(Stream stream)
    {
        var csv = new CsvWriter(new StreamWriter(stream, Utf8WithBom, 1 << 16, leaveOpen: true), Config);
        foreach (var column in Header)
        {
            csv.WriteField(column);
        }

        csv.NextRecord();
        return csv;
    }

    private static void Write(CsvWriter csv, ReportLine line)
    {
        csv.WriteField(CsvCells.Neutralize(line.SourceId));
        csv.WriteField(CsvCells.Neutralize(line.NewId));
        csv.WriteField(line.Status);
        csv.WriteField(CsvCells.Neutralize(line.Error));
        csv.NextRecord();
    }

    private (BlobWriter Blob, CsvWriter Csv) WriterFor(string module)
    {
        if (_writers.TryGetValue(module, out var writer))
        {
            return writer;
        }

        var blob = blobs.Create($"{_folder}/{module}.csv");
        writer = (blob, Open(blob.Stream));
        _writers[module] = writer;
        return writer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (blob, csv) in _writers.Values)
        {
            await csv.DisposeAsync();
            // Never committed: disposing removes the scratch file.
            await blob.DisposeAsync();
        }

        _writers.Clear();
    }
}
