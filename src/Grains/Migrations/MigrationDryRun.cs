using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A dry run (the answer to duplicates and lost owners): the next pass over the job's files
/// exactly as it would run, against the job's real ledger, but into a sink that writes nothing;
/// the report ZIP it would produce streams to the caller.
/// </summary>
public sealed class MigrationDryRun(IDatabase database, IBlobStore blobs, IGrainFactory grains)
{
    public async Task<IReadOnlyDictionary<string, ModuleCounts>> RunAsync(string orgId, string jobId, Stream destination, CancellationToken cancellationToken)
    {
        var job = await grains.Grain<IMigrationJobGrain>(jobId).GetAsync(orgId);
        var pass = job.Status switch
        {
            MigrationJobStatus.Draft or MigrationJobStatus.Pending => 1,
            MigrationJobStatus.FirstPassDone => 2,
            _ => throw new ProblemException(409, MigrationProblemCodes.InvalidState,
                $"The migration is {job.Status}; a dry run previews the next pass, so it runs only while draft, pending or first_pass_done.",
                new Dictionary<string, object?> { ["status"] = job.Status }),
        };
        var files = MigrationPassJob.FilesOf(job, pass).ToList();
        if (files.Count == 0)
        {
            throw ProblemException.Conflict(MigrationProblemCodes.NoFiles, "The job has no files to try; upload them first.");
        }

        var org = await grains.Grain<IOrganizationGrain>(orgId).GetAsync();
        var mapping = MigrationRules.Mapping(job);
        var sources = new List<MigrationSource>();
        await using var report = new MigrationReportWriter(blobs);
        try
        {
            foreach (var file in files)
            {
                sources.Add(await MigrationSource.OpenAsync(file.Name, blobs.OpenRead(file.BlobPath), file.Parts[0].Module, mapping.Format, cancellationToken));
            }

            var sink = new DryRunSink(new MigrationLedger(database, jobId));
            var runner = new MigrationPassRunner(mapping, org.Modules, sink, sink, report, new OwnerResolver(org.Users, org.PrimaryContactUserId));
            foreach (var (source, part) in MigrationPassRunner.PartsInOrder(sources, job.Modules))
            {
                await runner.RunPartAsync(source, part, 0, cancellationToken);
            }
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }

        await report.WriteZipAsync(destination, job.Modules, cancellationToken);
        return report.Counts;
    }
}
