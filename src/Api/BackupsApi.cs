using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.Blobs;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

/// <summary>Backup schedule, quota, purchases, history, backups with signed download links, and restores (SPEC §1, §7).</summary>
public static partial class BackupsApi
{
    public sealed record ScheduleBody(string? Frequency, string? DayOfWeek, JsonElement? DayOfMonth, JsonElement? WeekOfMonth, string? Time);

    public sealed record PurchaseBody(string? Kind, int? Count);

    public static IEndpointRouteBuilder MapBackupsApi(this IEndpointRouteBuilder app)
    {
        var backup = app.MapGroup("/api/orgs/{orgId}/backup").WithTags("Backups").ForAdmins();
        backup.MapGet("", async (HttpContext http, IGrainFactory grains) => TypedResults.Ok((await Grain(http, grains).GetSummaryAsync()).AsResponse()));
        backup.MapPut("schedule", SetScheduleAsync);
        backup.MapDelete("schedule", async (HttpContext http, IGrainFactory grains) =>
        {
            await Grain(http, grains).StopScheduleAsync(http.Actor().User.Id);
            return TypedResults.NoContent();
        });
        backup.MapPost("purchases", (PurchaseBody body, HttpContext http, IGrainFactory grains) => PurchaseAsync(body.Kind, body.Count, http, grains));
        backup.MapDelete("purchases", (string? kind, int? count, HttpContext http, IGrainFactory grains) =>
            PurchaseAsync(kind, count < 0 ? count : -(count ?? (kind == PurchaseKinds.Weekly ? 1 : 0)), http, grains));
        backup.MapGet("history", async (HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok((await Grain(http, grains).GetHistoryAsync()).Select(h => new HistoryResponse(h.At, h.Kind, h.UserId, h.Details)).ToList()));

        var backups = app.MapGroup("/api/orgs/{orgId}/backups").WithTags("Backups").ForAdmins();
        backups.MapGet("", ListBackupsAsync);
        backups.MapGet("{backupId}", GetBackupAsync);

        MapRestores(app);
        app.MapMethods("/api/downloads/{token}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync).WithTags("Backups").AllowAnonymous();
        return app;
    }

    private static async Task<Ok<SummaryResponse>> SetScheduleAsync(ScheduleBody body, HttpContext http, IGrainFactory grains)
    {
        var request = new ScheduleRequest(body.Frequency, body.DayOfWeek, Text(body.DayOfMonth), Text(body.WeekOfMonth), body.Time);
        return TypedResults.Ok((await Grain(http, grains).SetScheduleAsync(request, http.Actor().User.Id)).AsResponse());
    }

    private static async Task<Ok<SummaryResponse>> PurchaseAsync(string? kind, int? count, HttpContext http, IGrainFactory grains)
    {
        if (kind is not (PurchaseKinds.OneTime or PurchaseKinds.Weekly) || count is null or 0)
        {
            throw ProblemException.Validation(kind is null ? "kind" : "count",
                "Send {\"kind\":\"one_time\",\"count\":n} to buy add-ons or {\"kind\":\"weekly\",\"count\":1} for the weekly subscription; a negative count downgrades.");
        }

        return TypedResults.Ok((await Grain(http, grains).PurchaseAsync(kind, count.Value, http.Actor().User.Id)).AsResponse());
    }

    private static async Task<Ok<List<BackupResponse>>> ListBackupsAsync(HttpContext http, IGrainFactory grains, DownloadLinks links, TimeProvider clock)
    {
        var responses = new List<BackupResponse>();
        foreach (var backup in await Grain(http, grains).GetBackupsAsync())
        {
            responses.Add(await backup.AsResponseAsync(http, links, clock.GetUtcNow()));
        }

        return TypedResults.Ok(responses);
    }

    private static async Task<Ok<BackupResponse>> GetBackupAsync(string backupId, HttpContext http, IGrainFactory grains, DownloadLinks links, TimeProvider clock)
    {
        var backup = await Grain(http, grains).GetBackupAsync(backupId) ?? throw ProblemException.NotFound($"Backup {backupId}");
        return TypedResults.Ok(await backup.AsResponseAsync(http, links, clock.GetUtcNow()));
    }

    /// <summary>
    /// A signed link, no bearer token: the file streams with range support. Expired links and files
    /// answer 410; the first download of each file (no range, or a range from byte 0) is recorded once. Later
    /// requests write nothing, so a link holder cannot rewrite the schedule's state or push entries out of the history.
    /// </summary>
    private static async Task<IResult> DownloadAsync(string token, HttpContext http, DownloadLinks links, IGrainFactory grains, IBlobStore blobs, TimeProvider clock)
    {
        var grant = await links.VerifyAsync(token) ?? throw ProblemException.NotFound("Download link");
        var now = clock.GetUtcNow();
        var backup = await grains.Grain<IBackupScheduleGrain>(grant.OrgId).GetBackupAsync(grant.BackupId)
            ?? throw ProblemException.NotFound("Download link");
        var file = backup.Files.FirstOrDefault(f => f.Name == grant.File);
        if (grant.ExpiresAt <= now || !backup.IsDownloadable(now) || (file is not null && !blobs.Exists(file.Path)))
        {
            throw new ProblemException(410, ProblemCodes.Gone,
                $"This backup's download period ended{(backup.ExpiresAt is { } at ? $" at {at:O}" : "")} and its files were deleted; request a new backup.");
        }

        if (file is null)
        {
            throw ProblemException.NotFound("Download link");
        }

        var range = http.Request.Headers.Range.ToString();
        if (HttpMethods.IsGet(http.Request.Method) && (range.Length == 0 || range.StartsWith("bytes=0-", StringComparison.Ordinal))
            && !backup.DownloadedFiles.Contains(file.Name))
        {
            await grains.Grain<IBackupScheduleGrain>(grant.OrgId).RecordDownloadAsync(backup.Id, file.Name);
        }

        return TypedResults.Stream(blobs.OpenRead(file.Path), "application/zip", $"backup-{backup.ReadyAt:yyyyMMdd}-{file.Name}",
            lastModified: backup.ReadyAt, enableRangeProcessing: true);
    }

    private static IBackupScheduleGrain Grain(HttpContext http, IGrainFactory grains) => grains.Grain<IBackupScheduleGrain>(http.Actor().OrgId);

    private static string? Text(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => value.Value.GetString(),
        JsonValueKind.Number => value.Value.GetRawText(),
        null or JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw ProblemException.Validation("schedule", "dayOfMonth and weekOfMonth are numbers or \"last\"."),
    };
}
