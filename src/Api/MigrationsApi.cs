using System.Collections.Immutable;
using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;
using CrmActors.Grains.Migrations;
using CrmActors.Grains.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orleans;

namespace CrmActors.Api;

/// <summary>
/// Help-desk migration (SPEC §3, §7): create a job, upload its files (streamed, checked), submit or
/// cancel it, try it with a dry run, watch its passes and download their reports. Admins only.
/// </summary>
public static class MigrationsApi
{
    public sealed record CreateRequest(
        string? SourceSystem, ImmutableList<string>? Modules, string? Notes,
        ImmutableDictionary<string, ImmutableDictionary<string, string>>? FieldMap,
        ImmutableDictionary<string, ImmutableDictionary<string, ImmutableDictionary<string, string>>>? ValueMap);

    public sealed record Created(string Id, string Status);

    public sealed record ChangeRequestBody(string? Text);

    public sealed record FileResponse(string Name, string Module, long Size, int Pass, IReadOnlyList<FilePartResponse> Parts, DateTimeOffset UploadedAt);

    public sealed record FilePartResponse(string? Entry, string Module, long Rows, IReadOnlyList<string> UnusedColumns);

    public sealed record PassResponse(
        int Pass, string Status, double Progress, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
        IReadOnlyDictionary<string, ModuleCounts> Counts, string? Report, string? Error);

    public sealed record MigrationResponse(
        string Id, string Status, string SourceSystem, IReadOnlyList<string> Modules, string? Notes, string RequestedBy, DateTimeOffset CreatedAt,
        DateTimeOffset? SubmittedAt, IReadOnlyList<FileResponse> Files, IReadOnlyList<PassResponse> Passes, DateTimeOffset? SecondPassAt,
        DateTimeOffset? ChangeRequestsUntil, IReadOnlyList<MigrationChangeRequest> ChangeRequests, IReadOnlyList<MigrationNotification> Notifications, string? Error);

    public sealed record ListItem(string Id, string Status, string SourceSystem, long TotalBytes, double Progress, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapMigrationsApi(this IEndpointRouteBuilder app)
    {
        var migrations = app.MapGroup("/api/orgs/{orgId}/migrations").WithTags("Migrations").ForAdmins();
        migrations.MapPost("", CreateAsync);
        migrations.MapGet("", async (string orgId, MigrationRunStore runs) =>
            TypedResults.Ok((await runs.JobsAsync([orgId], 100)).Select(j => new ListItem(j.Id, j.Status, j.SourceSystem, j.TotalBytes, j.Progress, j.CreatedAt, j.UpdatedAt)).ToList()));
        migrations.MapGet("{id}", GetAsync);
        // Any content type: the body is read raw (curl --data-binary sends a form type), and the file itself says CSV or ZIP.
        BodyLimit.BoundedByItself(migrations.MapPut("{id}/files/{name}", UploadAsync));
        migrations.MapGet("{id}/files", async (string orgId, string id, IGrainFactory grains) =>
            TypedResults.Ok((await Job(grains, id).GetAsync(orgId)).Files.Select(AsResponse).ToList()));
        migrations.MapPost("{id}/submit", async (string orgId, string id, HttpContext http, IGrainFactory grains, MigrationRunStore runs, IOptions<MigrationOptions> options) =>
            TypedResults.Ok(await AsResponseAsync(await Job(grains, id).SubmitAsync(orgId, http.Actor().User.Id), grains, runs, options.Value)));
        migrations.MapPost("{id}/cancel", async (string orgId, string id, HttpContext http, IGrainFactory grains, MigrationRunStore runs, IOptions<MigrationOptions> options) =>
            TypedResults.Ok(await AsResponseAsync(await Job(grains, id).CancelAsync(orgId, http.Actor().User.Id), grains, runs, options.Value)));
        migrations.MapPost("{id}/change-requests", async (string orgId, string id, ChangeRequestBody body, HttpContext http, IGrainFactory grains) =>
            TypedResults.Created($"/api/orgs/{orgId}/migrations/{id}", await Job(grains, id).RequestChangeAsync(orgId, body.Text, http.Actor().User.Id)));
        migrations.MapPost("{id}/dry-run", DryRunAsync).Produces(200, contentType: "application/zip");
        migrations.MapGet("{id}/report", ReportAsync).Produces(200, contentType: "application/zip");
        return app;
    }

    private static IMigrationJobGrain Job(IGrainFactory grains, string id) => grains.Grain<IMigrationJobGrain>(id);

    private static async Task<Created<Created>> CreateAsync(string orgId, CreateRequest body, HttpContext http, IGrainFactory grains)
    {
        var id = Ids.New();
        var job = await Job(grains, id).CreateAsync(orgId, new NewMigration(body.SourceSystem, body.Modules, body.Notes, body.FieldMap, body.ValueMap), http.Actor().User.Id);
        return TypedResults.Created($"/api/orgs/{orgId}/migrations/{id}", new Created(id, job.Status));
    }

    private static async Task<Ok<MigrationResponse>> GetAsync(string orgId, string id, IGrainFactory grains, MigrationRunStore runs, IOptions<MigrationOptions> options) =>
        TypedResults.Ok(await AsResponseAsync(await Job(grains, id).GetAsync(orgId), grains, runs, options.Value));

    /// <summary>The raw body is the file (CSV or ZIP), streamed to the blob store; <c>X-Module</c> names a CSV's module.</summary>
    private static async Task<Created<FileResponse>> UploadAsync(string orgId, string id, string name, HttpContext http, MigrationUploads uploads)
    {
        // The job's own limits (per file, total, trial) bound the body; they are checked while it streams.
        var file = await uploads.UploadAsync(orgId, id, name, http.Request.Headers["X-Module"].FirstOrDefault(), http.Request.Body, http.Request.ContentLength,
            http.Actor().User.Id, http.RequestAborted);
        return TypedResults.Created($"/api/orgs/{orgId}/migrations/{id}/files", AsResponse(file));
    }

    /// <summary>The report the next pass would produce, nothing written; its counts are in the <c>X-Migration-Counts</c> header.</summary>
    private static async Task DryRunAsync(string orgId, string id, HttpContext http, MigrationDryRun dryRun, IBlobStore blobs)
    {
        // The ZIP is built in a scratch blob first, so a refusal is still a problem answer and never half a ZIP.
        await using var scratch = blobs.Create($"scratch/migration-dry-runs/{Ids.New()}.zip");
        var counts = await dryRun.RunAsync(orgId, id, scratch.Stream, http.RequestAborted);
        scratch.Stream.Position = 0;
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"migration-{id}-dry-run.zip\"";
        http.Response.Headers["X-Migration-Counts"] = JsonSerializer.Serialize(counts, Json);
        http.Response.ContentLength = scratch.Stream.Length;
        await scratch.Stream.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private static async Task<FileStreamHttpResult> ReportAsync(string orgId, string id, int? pass, IGrainFactory grains, IBlobStore blobs)
    {
        var job = await Job(grains, id).GetAsync(orgId);
        var ended = job.Passes.Where(p => p.ReportBlob is not null).ToList();
        var chosen = pass is null ? ended.LastOrDefault() : ended.FirstOrDefault(p => p.Pass == pass);
        if (chosen is null)
        {
            throw ProblemException.NotFound(pass is null
                ? $"A report of migration {id} (no pass has ended yet; it is {job.Status})"
                : $"The report of pass {pass} of migration {id} (passes with a report: {(ended.Count == 0 ? "none yet" : string.Join(", ", ended.Select(p => p.Pass)))})");
        }

        return TypedResults.File(blobs.OpenRead(chosen.ReportBlob!), "application/zip", $"migration-{id}-pass-{chosen.Pass}.zip");
    }

    private static FileResponse AsResponse(MigrationFile f) => new(f.Name, f.Module, f.Size, f.Pass,
        [.. f.Parts.Select(p => new FilePartResponse(p.Entry, p.Module, p.Rows, p.UnusedColumns))], f.UploadedAt);

    private static async Task<MigrationResponse> AsResponseAsync(MigrationJobState job, IGrainFactory grains, MigrationRunStore runs, MigrationOptions options)
    {
        var passes = new List<PassResponse>();
        foreach (var pass in job.Passes)
        {
            var report = pass.ReportBlob is null ? null : $"/api/orgs/{job.OrgId}/migrations/{job.Id}/report?pass={pass.Pass}";
            if (pass.FinishedAt is not null)
            {
                passes.Add(new PassResponse(pass.Pass, pass.Error is null ? RunStatuses.Completed : RunStatuses.Failed, 1, pass.StartedAt, pass.FinishedAt, pass.Counts, report, pass.Error));
                continue;
            }

            // While a pass runs, its counts so far come from the rows it has committed.
            var run = await grains.Grain<IRunGrain>(pass.RunId).GetAsync();
            passes.Add(new PassResponse(pass.Pass, run.Status == RunStatuses.None ? RunStatuses.Queued : run.Status, run.Progress, pass.StartedAt, null,
                await runs.CountsAsync(job.Id!, pass.Pass), null, run.Error));
        }

        var firstEnd = job.Passes.FirstOrDefault(p => p.Pass == 1)?.FinishedAt;
        return new MigrationResponse(job.Id!, job.Status, job.SourceSystem, job.Modules, job.Notes, job.RequestedBy, job.CreatedAt, job.SubmittedAt,
            [.. job.Files.Select(AsResponse)], passes, job.SecondPassAt, firstEnd + options.ChangeRequestWindow, job.ChangeRequests, job.Notifications, job.Error);
    }
}
