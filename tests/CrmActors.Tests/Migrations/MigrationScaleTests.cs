using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Text;
using CrmActors.Grains.Migrations;
using Xunit.Abstractions;

namespace CrmActors.Tests.Migrations;

/// <summary>A large file goes through a pass with flat memory: rows stream from disk and report lines stream to disk.</summary>
[Collection(MemoryMeasurement.Name)]
public sealed class MigrationScaleTests(ITestOutputHelper output) : IDisposable
{
    private const int Rows = 200_000;
    private readonly MigrationFiles _files = new();

    [Fact]
    public async Task TwoHundredThousandTicketsMapWithFlatMemory()
    {
        var path = Path.Combine(_files.Root, "tickets.csv");
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 16))
        {
            await writer.WriteLineAsync("Source_Id,Subject,Description,Status,Contact_Name,Agent_Email,Created_Time");
            for (var i = 0; i < Rows; i++)
            {
                // Every 25th row has no subject and fails, as a real export's few bad rows do.
                await writer.WriteLineAsync($"T{i},{(i % 25 == 0 ? "" : $"\"Ticket {i}, printer\"")},Line one of ticket {i} with some text,{(i % 2 == 0 ? "open" : "Closed")},C{i % 5000},agent{i % 40}@desk.test,2024-01-01T00:00:00Z");
            }
        }

        var sink = new CountingSink();
        await using var source = await MigrationSource.OpenFileAsync(path, "tickets");
        await using var report = new MigrationReportWriter(_files.Blobs);
        var runner = new MigrationPassRunner(new MigrationMapping("generic"), MigrationFiles.OrgModules, sink, sink, report, new OwnerResolver([], "primary-contact"));

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        sink.OnCheckpoint = row => sink.PeakBytes = row % 50_000 < 1_000 ? Math.Max(sink.PeakBytes, GC.GetTotalMemory(forceFullCollection: true)) : sink.PeakBytes;
        var result = await runner.RunPartAsync(source, source.Parts.Single());
        clock.Stop();
        var peak = Math.Max(sink.PeakBytes, GC.GetTotalMemory(forceFullCollection: true));
        var allocatedPerRow = (GC.GetTotalAllocatedBytes() - allocated) / Rows;

        await using (var zip = File.Create(Path.Combine(_files.Root, "report.zip")))
        {
            await report.WriteZipAsync(zip);
        }

        output.WriteLine($"{Rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s = {Rows / clock.Elapsed.TotalSeconds:N0} rows/s; " +
            $"managed heap {baseline / 1e6:F1} MB before, peak {peak / 1e6:F1} MB during (+{(peak - baseline) / 1e6:F1} MB); {allocatedPerRow:N0} bytes allocated per row; " +
            $"source {new FileInfo(path).Length / 1e6:F1} MB, report ZIP {new FileInfo(Path.Combine(_files.Root, "report.zip")).Length / 1e6:F1} MB");

        Assert.Equal(Rows, result.LastRow);
        Assert.Equal(new ModuleCounts(Rows - Rows / 25, Rows / 25, 0), report.Counts["tickets"]);
        Assert.Equal(Rows - Rows / 25, sink.Written);
        // The file is ~20 MB and the report as big again; neither may sit on the heap.
        Assert.True(peak - baseline < 16_000_000, $"The heap grew by {(peak - baseline) / 1e6:F1} MB while mapping.");
        using var read = ZipFile.OpenRead(Path.Combine(_files.Root, "report.zip"));
        using var lines = new StreamReader(read.GetEntry("tickets.csv")!.Open());
        var count = 0;
        while (await lines.ReadLineAsync() is not null)
        {
            count++;
        }

        Assert.Equal(Rows + 1, count);
    }

    /// <summary>A sink that keeps nothing, and a ledger in which every contact exists and no ticket does yet.</summary>
    private sealed class CountingSink : IMigrationSink, IMigrationLedger
    {
        public int Written { get; private set; }

        public long PeakBytes { get; set; }

        public Action<long>? OnCheckpoint { get; set; }

        public Task<IReadOnlyList<ReportLine>> CommitAsync(MigrationSourcePart part, long lastRow, IReadOnlyList<MigrationBatchRow> rows, CancellationToken cancellationToken)
        {
            Written += rows.Count(r => r.Write is not null);
            OnCheckpoint?.Invoke(lastRow);
            return Task.FromResult<IReadOnlyList<ReportLine>>([.. rows.Select(r => r.Line ?? r.Write!.Migrated("0123456789abcdef0123456789abcdef"))]);
        }

        public bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId)
        {
            newId = module == MigrationModules.Contacts ? "fedcba9876543210fedcba9876543210" : null;
            return newId is not null;
        }
    }

    public void Dispose() => _files.Dispose();
}

/// <summary>
/// Tests that measure the process's managed heap run alone: another test allocating at the same time
/// would be counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement";
}
