using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static class AuditLogApi
{
    public static IEndpointRouteBuilder MapAuditLogApi(this IEndpointRouteBuilder app)
    {
        var admins = app.MapGroup("/api/orgs/{orgId}/audit-log").WithTags("Audit log").ForAdmins();
        admins.MapGet("", GetAsync).ProducesJsonOrCsv<List<AuditEntry>>();
        return app;
    }

    /// <summary>
    /// Entries as JSON (the first <c>?limit=</c>, default 1,000, at most 100,000), or as a CSV file when the client asks for
    /// text/csv: every entry matching the filters unless <c>?limit=</c> says fewer. Both are written as they are read.
    /// </summary>
    private static async Task<IResult> GetAsync(
        HttpContext http, AuditLog audit, DateTimeOffset? from, DateTimeOffset? to, string? userId, string? module, string? action, int? limit)
    {
        var csv = CsvDownload.Wanted(http.Request);
        long? most = csv ? (limit is { } l ? Math.Max(1, l) : null) : Math.Clamp(limit ?? 1000, 1, 100_000);
        var entries = audit.ReadAsync(http.Actor().OrgId, new AuditLog.Query(from, to, userId, module, action, most));
        return csv
            ? await CsvDownload.WriteAsync(http, "audit-log.csv", ["at", "userId", "action", "targetType", "module", "recordId", "setting", "changes"],
                entries.Select(e => (IReadOnlyList<string?>)[e.At.ToString("O"), e.UserId, e.Action, e.TargetType, e.Module, e.RecordId, e.Setting,
                    JsonSerializer.Serialize(e.Changes, JsonSerializerOptions.Web)]))
            : TypedResults.Ok(entries);
    }
}
