using CrmActors.Grains.Common;
using System.Collections.Immutable;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Runs one pass of a migration job on any silo: the job's files for that pass, module by module in
/// SPEC order, through <see cref="MigrationPassRunner"/> into a <see cref="MigrationPassSink"/>. An
/// attempt that resumes (its silo died) starts after the last batch the database has, then the
/// report ZIP is rebuilt from the pass's rows and the job is told the pass ended.
/// </summary>
public sealed class MigrationPassJob(
    IDatabase database, RecordStore records, IBlobStore blobs, MigrationRunStore runs, IGrainFactory grains, IOptions<MigrationOptions> options, TimeProvider clock)
    : IRunHandler
{
    public const string JobKind = "migration.pass";

    public sealed record Payload(string OrgId, string JobId, int Pass);

    public string Kind => JobKind;

    public static string ReportBlob(string orgId, string jobId, int pass) => $"orgs/{orgId}/migrations/{jobId}/report-{pass}.zip";

    /// <summary>The files a pass reads: the first pass its own; the second every file, so failed rows are retried and delta rows added.</summary>
    public static IEnumerable<MigrationFile> FilesOf(MigrationJobState job, int pass) => job.Files.Where(f => f.Pass <= pass).OrderBy(f => f.Pass);

    public async Task<string?> RunAsync(RunContext context)
    {
        var (orgId, jobId, pass) = context.Payload<Payload>();
        var grain = grains.Grain<IMigrationJobGrain>(jobId);
        var job = await grain.GetAsync(orgId);
        if (job.CurrentPass is not { } current || current.Pass != pass || current.RunId != context.RunId || current.FinishedAt is not null)
        {
            return null;
        }

        var org = await grains.Grain<IOrganizationGrain>(orgId).GetAsync();
        var cancellationToken = context.CancellationToken;
        var mapping = MigrationRules.Mapping(job);
        var files = FilesOf(job, pass).ToList();
        var sources = new List<MigrationSource>();
        try
        {
            foreach (var file in files)
            {
                sources.Add(await MigrationSource.OpenAsync(file.Name, blobs.OpenRead(file.BlobPath), file.Parts[0].Module, mapping.Format, cancellationToken));
            }

            var parts = MigrationPassRunner.PartsInOrder(sources, job.Modules);
            var cursor = await runs.CursorAsync(jobId, pass, cancellationToken);
            var owners = new OwnerResolver(org.Users, org.PrimaryContactUserId);
            var sink = new MigrationPassSink(database, records, blobs, context, job, pass, org.Modules, new MigrationLedger(database, jobId), clock)
            {
                RowsDone = cursor.RowsDone,
                TotalRows = files.SelectMany(f => f.Parts).Where(p => job.Modules.Contains(p.Module)).Sum(p => p.Rows),
            };
            var runner = new MigrationPassRunner(mapping, org.Modules, sink.Ledger, sink, null, owners) { BatchSize = Math.Max(1, options.Value.BatchSize) };
            for (var i = 0; i < parts.Count; i++)
            {
                var (source, part) = parts[i];
                if (i < cursor.Part)
                {
                    // Done before a crash; its agents still name tickets' owners.
                    await LearnAgentsAsync(runner, source, part, owners.Agents, cancellationToken);
                    continue;
                }

                if (i == cursor.Part && cursor.Row > 0)
                {
                    await LearnAgentsAsync(runner, source, part, owners.Agents, cancellationToken);
                }

                sink.Part = (i, source);
                await runner.RunPartAsync(source, part, i == cursor.Part ? cursor.Row : 0, cancellationToken);
            }
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }

        var report = ReportBlob(orgId, jobId, pass);
        await using (var writer = blobs.Create(report))
        {
            await MigrationReportWriter.WriteZipAsync(writer.Stream, job.Modules, module => runs.LinesAsync(jobId, pass, module, cancellationToken), cancellationToken);
            await writer.CommitAsync();
        }

        var counts = await runs.CountsAsync(jobId, pass, cancellationToken);
        await grain.PassEndedAsync(pass, context.RunId, new MigrationPassOutcome(counts, report, null));
        return null;
    }

    public async Task OnFailedAsync(RunContext context, string error)
    {
        var (_, jobId, pass) = context.Payload<Payload>();
        var counts = await runs.CountsAsync(jobId, pass);
        await grains.Grain<IMigrationJobGrain>(jobId).PassEndedAsync(pass, context.RunId, new MigrationPassOutcome(counts, null, error));
    }

    private static async Task LearnAgentsAsync(MigrationPassRunner runner, MigrationSource source, MigrationSourcePart part, AgentDirectory agents, CancellationToken cancellationToken)
    {
        if (part.Module != MigrationModules.Agents)
        {
            return;
        }

        await using var csv = await source.OpenCsvAsync(part, cancellationToken);
        var mapper = new MigrationRowMapper(runner.Mapping.Plan(part.Label, part.Module, runner.DefinitionOf(part.Module), csv.Header));
        await foreach (var row in csv.ReadRowsAsync(cancellationToken))
        {
            if (mapper.TryMap(row, out var mapped, out _))
            {
                agents.Add(mapped);
            }
        }
    }
}
