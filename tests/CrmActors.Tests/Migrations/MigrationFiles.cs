using System.IO.Compression;
using System.Text;
using CrmActors.Grains.Migrations;
using CrmActors.Grains.Organizations;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Migrations;

/// <summary>Source files written to disk the way a help desk's export would be, and opened as an upload.</summary>
public sealed class MigrationFiles : IDisposable
{
    private readonly TempDirectory _directory = new();

    public static readonly IReadOnlyList<ModuleDefinition> OrgModules = StandardModules.Create();

    public string Root => _directory.Path;

    /// <summary>A blob store under the directory, where report writers keep their scratch files.</summary>
    public CrmActors.Grains.Blobs.IBlobStore Blobs => _blobs ??= new CrmActors.Grains.Blobs.FileSystemBlobStore(Path.Combine(Root, "blobs"));

    private CrmActors.Grains.Blobs.IBlobStore? _blobs;

    public string WriteCsv(string name, string text, bool bom = false) =>
        WriteBytes(name, [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)]);

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A ZIP with the given entries (text entries as UTF-8).</summary>
    public string WriteZip(string name, params (string Entry, string Text)[] entries)
    {
        var path = Path.Combine(Root, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, text) in entries)
        {
            using var stream = zip.CreateEntry(entry).Open();
            stream.Write(Encoding.UTF8.GetBytes(text));
        }

        return path;
    }

    public static Task<MigrationSource> OpenAsync(string path, string? module = null, SourceFormat? format = null) =>
        MigrationSource.OpenFileAsync(path, module, format);

    /// <summary>Every row of every part of a file through a runner into memory; the report ZIP is read back.</summary>
    public async Task<PassOutcome> RunAsync(MigrationMapping mapping, IEnumerable<string> paths, IEnumerable<UserAccount>? users = null,
        InMemorySink? sink = null, bool dryRun = false, IReadOnlyCollection<string>? modules = null)
    {
        sink ??= new InMemorySink();
        var sources = new List<MigrationSource>();
        foreach (var path in paths)
        {
            sources.Add(await MigrationSource.OpenFileAsync(path, Path.GetFileNameWithoutExtension(path).Split('-')[0], mapping.Format));
        }

        try
        {
            var dry = dryRun ? new DryRunSink(sink.Ledger) : null;
            await using var report = new MigrationReportWriter(Blobs);
            var runner = new MigrationPassRunner(mapping, OrgModules, (IMigrationLedger?)dry ?? sink.Ledger, (IMigrationSink?)dry ?? sink, report,
                new OwnerResolver(users ?? [], "primary-contact")) { BatchSize = 3 };
            var parts = new List<PartResult>();
            foreach (var (source, part) in MigrationPassRunner.PartsInOrder(sources, modules ?? MigrationModules.Order))
            {
                parts.Add(await runner.RunPartAsync(source, part));
            }

            using var zipped = new MemoryStream();
            await report.WriteZipAsync(zipped);
            return new PassOutcome(sink, parts, report.Counts.ToDictionary(), ReportZip.Read(zipped.ToArray()));
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    public void Dispose() => _directory.Dispose();
}

public sealed record PassOutcome(InMemorySink Sink, IReadOnlyList<PartResult> Parts, Dictionary<string, ModuleCounts> Counts, ReportZip Report);

/// <summary>A store in memory: records by module, and the ledger a real sink keeps in the same transaction.</summary>
public sealed class InMemorySink : IMigrationSink
{
    private int _next;

    public InMemoryMigrationLedger Ledger { get; } = new();

    public List<(string Module, string Id, MigrationWrite Write)> Written { get; } = [];

    public Task<IReadOnlyList<ReportLine>> CommitAsync(MigrationSourcePart part, long lastRow, IReadOnlyList<MigrationBatchRow> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReportLine>>([.. rows.Select(r => r.Line ?? Write(part.Module, r.Write!))]);

    private ReportLine Write(string module, MigrationWrite write)
    {
        if (Ledger.TryResolve(module, write.Record.SourceId, out var existing))
        {
            return write.AlreadyMigrated(existing);
        }

        var id = $"{++_next:x32}";
        Ledger.Add(module, write.Record.SourceId, id);
        Written.Add((module, id, write));
        return write.Migrated(id);
    }

    public MigrationWrite Record(string module, string sourceId) => Written.Single(w => w.Module == module && w.Write.Record.SourceId == sourceId).Write;

    public string IdOf(string module, string sourceId) => Written.Single(w => w.Module == module && w.Write.Record.SourceId == sourceId).Id;
}
