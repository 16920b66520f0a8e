using CrmActors.Api.Infrastructure;
using CrmActors.Grains.ContactSync.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CrmActors.Api;

/// <summary>
/// Contact sync pairs (SPEC §5, §7): a member with <c>contact_sync</c> creates one per module; its owner
/// reads its status, changes its settings, runs it now, disables, enables or deletes it. Answers never carry the remote's secret.
/// </summary>
public static class ContactSyncApi
{
    public sealed record PairResponse(
        string Id, string Module, string Direction, string ConflictPolicy, int FrequencyMinutes, bool Enabled, string Status,
        RemoteResponse Remote, IReadOnlyDictionary<string, string> View, IReadOnlyDictionary<string, string> FieldMap, IReadOnlyDictionary<string, string> Defaults,
        DateTimeOffset CreatedAt, DateTimeOffset? LastSyncAt, DateTimeOffset? NextSyncAt, string? RunId, SyncCounts Counts, SyncCounts Totals,
        long PushedTotal, bool PushLimitReached, SyncRunReport? LastRun, IReadOnlyList<string> Errors, string OwnerId);

    public sealed record RemoteResponse(string Url, string AddressBook, string Auth, string? Username, string? Group, bool SyncCollection);

    public static IEndpointRouteBuilder MapContactSyncApi(this IEndpointRouteBuilder app)
    {
        var pairs = app.MapGroup("/api/orgs/{orgId}/sync-pairs").WithTags("Contact sync").ForMembers();
        pairs.MapPost("", CreateAsync);
        pairs.MapGet("", async (HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits) =>
            TypedResults.Ok((await sync.ListAsync(http.Actor())).Select(p => p.AsResponse(limits.Value.PushLimit)).ToList()));
        pairs.MapGet("{pairId}", async (string pairId, HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits) =>
            TypedResults.Ok((await sync.GetAsync(http.Actor(), pairId)).AsResponse(limits.Value.PushLimit)));
        pairs.MapPatch("{pairId}", async (string pairId, SyncPairRequest change, HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits) =>
            TypedResults.Ok((await sync.UpdateAsync(http.Actor(), pairId, change)).AsResponse(limits.Value.PushLimit)));
        pairs.MapPost("{pairId}/run", async (string orgId, string pairId, HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits) =>
            TypedResults.Accepted($"/api/orgs/{orgId}/sync-pairs/{pairId}", (await sync.RunAsync(http.Actor(), pairId)).AsResponse(limits.Value.PushLimit)));
        pairs.MapPost("{pairId}/disable", async (string pairId, HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits) =>
            TypedResults.Ok((await sync.DisableAsync(http.Actor(), pairId)).AsResponse(limits.Value.PushLimit)));
        pairs.MapPost("{pairId}/enable", async (string pairId, HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits) =>
            TypedResults.Ok((await sync.EnableAsync(http.Actor(), pairId)).AsResponse(limits.Value.PushLimit)));
        pairs.MapDelete("{pairId}", async (string pairId, HttpContext http, ContactSyncService sync) =>
        {
            await sync.DeleteAsync(http.Actor(), pairId);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static async Task<Created<PairResponse>> CreateAsync(string orgId, SyncPairRequest request, HttpContext http, ContactSyncService sync, IOptions<ContactSyncOptions> limits)
    {
        var pair = await sync.CreateAsync(http.Actor(), request);
        return TypedResults.Created($"/api/orgs/{orgId}/sync-pairs/{pair.Id}", pair.AsResponse(limits.Value.PushLimit));
    }

    public static PairResponse AsResponse(this SyncPairState p, int pushLimit) => new(
        p.Id!, p.Module, p.Direction, p.ConflictPolicy, p.FrequencyMinutes, p.Enabled,
        p.ActiveRunId is not null ? "running" : !p.Enabled ? "disabled" : p.LastRun?.Status == SyncRunStatuses.Failed ? "failing" : "idle",
        new RemoteResponse(p.Remote.Url, p.Remote.AddressBook, p.Remote.Auth, p.Remote.UserName, p.Remote.Group, p.Remote.SupportsSyncCollection),
        p.View, p.FieldMap, p.Defaults, p.CreatedAt, p.LastSyncAt, p.Enabled ? p.NextRunAt : null, p.ActiveRunId,
        p.LastRun?.Counts ?? new SyncCounts(), p.Totals, p.PushedTotal, p.PushedTotal >= pushLimit, p.LastRun, p.LastRun?.Errors ?? [], p.UserId);
}
