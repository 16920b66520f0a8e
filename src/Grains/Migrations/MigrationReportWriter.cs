using System.Globalization;
using System.IO.Compression;
using System.Text;
using CrmActors.Grains.Common;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Writes a pass's report (SPEC §3) as the pass goes: each line is appended to the module's CSV in
/// a scratch directory, so a pass of millions of rows holds no report in memory; <see cref="WriteZipAsync"/>
/// then streams those files into the ZIP, one <c>&lt;module&gt;.csv</c> per module in migration order.
/// CSV as the backups write it: UTF-8 with BOM, RFC 4180, CRLF, and formula-like cells neutralized.
/// </summary>
public sealed class MigrationReportWriter : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Header = ["source_id", "new_id", "status", "error"];

    private static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { NewLine = "\r\n" };

    private readonly string _directory;
    private readonly Dictionary<string, CsvWriter> _writers = [];
    private readonly Dictionary<string, ModuleCounts> _counts = [];

    /// <summary>Writes into <paramref name="directory"/> (created; the writer's own, deleted on dispose).</summary>
    public MigrationReportWriter(string directory)
    {
        _directory = Directory.CreateDirectory(directory).FullName;
    }

    public IReadOnlyDictionary<string, ModuleCounts> Counts => _counts;

    public void Append(string module, ReportLine line)
    {
        if (!MigrationModules.IsModule(module))
        {
            throw new ArgumentException($"'{module}' is not a migration module.", nameof(module));
        }

        // Count first: an unknown status throws before anything is written.
        var counts = (_counts.GetValueOrDefault(module) ?? ModuleCounts.Zero).Add(line.Status);
        var csv = WriterFor(module);
        csv.WriteField(CsvCells.Neutralize(line.SourceId));
        csv.WriteField(CsvCells.Neutralize(line.NewId));
        csv.WriteField(line.Status);
        csv.WriteField(CsvCells.Neutralize(line.Error));
        csv.NextRecord();
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

        foreach (var writer in _writers.Values)
        {
            await writer.FlushAsync();
        }

        await using var zip = await ZipArchive.CreateAsync(destination, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        foreach (var module in MigrationModules.InMigrationOrder(_writers.Keys, m => m))
        {
            var entry = zip.CreateEntry($"{module}.csv", CompressionLevel.Optimal);
            await using var target = await entry.OpenAsync(cancellationToken);
            await using var source = new FileStream(PathOf(module), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
            await source.CopyToAsync(target, cancellationToken);
        }
    }

    private CsvWriter WriterFor(string module)
    {
        if (_writers.TryGetValue(module, out var csv))
        {
            return csv;
        }

        var file = new FileStream(PathOf(module), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        csv = new CsvWriter(new StreamWriter(file, Utf8WithBom, 1 << 16), Config);
        foreach (var column in Header)
        {
            csv.WriteField(column);
        }

        csv.NextRecord();
        _writers[module] = csv;
        return csv;
    }

    private string PathOf(string module) => Path.Combine(_directory, module + ".csv");

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
        {
            await writer.DisposeAsync();
        }

        _writers.Clear();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A reader may still hold a file; the scratch directory is the host's to clean then.
        }
    }
}
