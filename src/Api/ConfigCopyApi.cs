using CrmActors.Api.Infrastructure;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Organizations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

/// <summary>
/// Configuration copy: the target generates a key, the source sends its customization with it, the
/// target previews the incoming copy and approves (applied in the background, all or nothing) or rejects it.
/// </summary>
public static class ConfigCopyApi
{
    public sealed record KeyResponse(string Key, DateTimeOffset ExpiresAt);

    public sealed record CurrentKeyResponse(string Status, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string? TransferId);

    public sealed record SendRequest(string? Key);

    public sealed record SendResponse(string TransferId);

    public sealed record TransferResponse(
        string Id, string SourceOrgId, string SourceOrgName, string Status, DateTimeOffset ReceivedAt,
        DateTimeOffset? DecidedAt, string? DecidedBy, DateTimeOffset? CompletedAt, string? FailureReason, int? AppliedChanges,
        IReadOnlyList<string> Warnings, IReadOnlyList<PreviewItem> Preview);

    public sealed record SentTransferResponse(
        string Id, string TargetOrgId, string Status, DateTimeOffset SentAt, DateTimeOffset? CompletedAt, string? FailureReason);

    public static IEndpointRouteBuilder MapConfigCopyApi(this IEndpointRouteBuilder app)
    {
        var admins = app.MapGroup("/api/orgs/{orgId}/config-copy").WithTags("Configuration copy").ForAdmins();
        admins.MapPost("keys", IssueKeyAsync);
        admins.MapGet("keys/current", GetCurrentKeyAsync);
        admins.MapPost("send", SendAsync);
        admins.MapGet("sent/{transferId}", async (string transferId, HttpContext http, ConfigCopyService copies) =>
            TypedResults.Ok(AsSentResponse(await copies.GetSentAsync(http.Actor(), transferId))));
        admins.MapGet("incoming", async (HttpContext http, ConfigCopyService copies) =>
            TypedResults.Ok((await copies.ListIncomingAsync(http.Actor())).Select(t => t.AsResponse(http.Actor().Org)).ToList()));
        admins.MapGet("incoming/{transferId}", async (string transferId, HttpContext http, ConfigCopyService copies) =>
            TypedResults.Ok((await copies.GetIncomingAsync(http.Actor(), transferId)).AsResponse(http.Actor().Org)));
        admins.MapPost("incoming/{transferId}/approve", ApproveAsync);
        admins.MapPost("incoming/{transferId}/reject", async (string transferId, HttpContext http, ConfigCopyService copies) =>
            TypedResults.Ok((await copies.RejectAsync(http.Actor(), transferId)).AsResponse(http.Actor().Org)));
        return app;
    }

    private static async Task<Created<KeyResponse>> IssueKeyAsync(string orgId, HttpContext http, ConfigCopyService copies)
    {
        var issued = await copies.IssueKeyAsync(http.Actor());
        return TypedResults.Created($"/api/orgs/{orgId}/config-copy/keys/current", new KeyResponse(issued.Key, issued.ExpiresAt));
    }

    private static async Task<Results<Ok<CurrentKeyResponse>, NotFound>> GetCurrentKeyAsync(HttpContext http, ConfigCopyService copies, TimeProvider clock)
    {
        var key = await copies.CurrentKeyAsync(http.Actor());
        return key is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new CurrentKeyResponse(key.StatusAt(clock.GetUtcNow()), key.IssuedAt, key.ExpiresAt, key.TransferId));
    }

    private static async Task<Accepted<SendResponse>> SendAsync(string orgId, SendRequest request, HttpContext http, ConfigCopyService copies)
    {
        var transferId = await copies.SendAsync(http.Actor(), request.Key);
        return TypedResults.Accepted($"/api/orgs/{orgId}/config-copy/sent/{transferId}", new SendResponse(transferId));
    }

    /// <summary>Accepted: the copy is applied in the background; poll the transfer until it is applied or failed.</summary>
    private static async Task<Accepted<TransferResponse>> ApproveAsync(string orgId, string transferId, HttpContext http, ConfigCopyService copies)
    {
        var approved = await copies.ApproveAsync(http.Actor(), transferId);
        return TypedResults.Accepted($"/api/orgs/{orgId}/config-copy/incoming/{transferId}", approved.AsResponse(http.Actor().Org));
    }

    /// <summary>A pending transfer is previewed against the target as it is now; a decided one shows the preview it was decided on.</summary>
    private static TransferResponse AsResponse(this ConfigTransferState transfer, OrganizationState target) => new(
        transfer.Id!, transfer.SourceOrgId, transfer.SourceOrgName, transfer.Status, transfer.ReceivedAt,
        transfer.DecidedAt, transfer.DecidedBy, transfer.CompletedAt, transfer.FailureReason, transfer.AppliedChanges,
        transfer.Status == TransferStatus.Pending && ConfigCopyRules.IntegrationsWarning(target) is { } warning ? [warning] : [],
        transfer.Status == TransferStatus.Pending ? ConfigurationPreview.Compute(transfer.Package!, target) : transfer.Preview);

    /// <summary>The sender's view: why the target could not apply the copy names the target's settings, so it stays with the target's admins.</summary>
    private static SentTransferResponse AsSentResponse(ConfigTransferState transfer) =>
        new(transfer.Id!, transfer.TargetOrgId, transfer.Status, transfer.ReceivedAt, transfer.CompletedAt,
            transfer.FailureReason is null ? null : "The receiving organization could not apply the copy; its administrators see why in their view of the transfer.");
}
