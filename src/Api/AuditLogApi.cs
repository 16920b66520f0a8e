using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CsvHelper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static class AuditLogApi
{
    public static IEndpointRouteBuilder MapAuditLogApi(this IEndpointRouteBuilder app)
    {
        var admins = app.MapGroup("/api/orgs/{orgId}/audit-log").WithTags("Audit log").ForAdmins();
        admins.MapGet("", GetAsync);
        return app;
    }

    /// <summary>Entries as JSON, or as a CSV file when the client asks for text/csv.</summary>
    private static async Task<IResult> GetAsync(
        HttpContext http, AuditLog audit, DateTimeOffset? from, DateTimeOffset? to, string? userId, string? module, string? action, int? limit)
    {
        var query = new AuditLog.Query(from, to, userId, module, action, Math.Clamp(limit ?? 1000, 1, 100_000));
        var entries = audit.ReadAsync(http.Actor().OrgId, query);
        if (!http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Ok(await entries.ToListAsync());
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"audit-log.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var header in new[] { "at", "userId", "action", "targetType", "module", "recordId", "setting", "changes" })
        {
            csv.WriteField(header);
        }

        await csv.NextRecordAsync();
        await foreach (var entry in entries)
        {
            foreach (var cell in new[] { entry.At.ToString("O"), entry.UserId, entry.Action, entry.TargetType, entry.Module, entry.RecordId, entry.Setting,
                JsonSerializer.Serialize(entry.Changes, JsonSerializerOptions.Web) })
            {
                csv.WriteField(CsvCells.Neutralize(cell));
            }

            await csv.NextRecordAsync();
        }

        return TypedResults.Empty;
    }
}
