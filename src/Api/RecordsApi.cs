using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CrmActors.Api;

public static class RecordsApi
{
    public sealed record BulkResponse(int Created, int FailedCount, IReadOnlyList<BulkInsertService.Failure> Failed);

    public static IEndpointRouteBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var records = app.MapGroup("/api/orgs/{orgId}/modules/{module}/records").WithTags("Records").ForMembers();
        records.MapGet("", ListAsync);
        records.MapPost("", async (string orgId, string module, JsonElement body, HttpContext http, RecordService service) =>
        {
            var saved = await service.CreateAsync(http.Actor(), module, body);
            return TypedResults.Created($"/api/orgs/{orgId}/modules/{module}/records/{saved.Record["id"]}", Versioned(http, saved));
        });
        records.MapGet("{id}", async (string module, string id, HttpContext http, RecordService service) =>
            TypedResults.Ok(Versioned(http, await service.GetAsync(http.Actor(), module, id))));
        records.MapPatch("{id}", async (string module, string id, JsonElement body, HttpContext http, RecordService service) =>
            TypedResults.Ok(Versioned(http, await service.UpdateAsync(http.Actor(), module, id, body, http.Request.Headers.IfMatch))));
        records.MapDelete("{id}", async (string module, string id, HttpContext http, RecordService service) =>
        {
            await service.DeleteAsync(http.Actor(), module, id, http.Request.Headers.IfMatch);
            return TypedResults.NoContent();
        });
        BodyLimit.WithBodyLimit(records.MapPost("bulk", BulkAsync), l => l.MaxBulkBodyBytes)
            .Accepts<JsonElement>("application/json", "text/csv");
        return app;
    }

    /// <summary>The record as the body, its version as the <c>ETag</c> header (for <c>If-Match</c> on PATCH and DELETE).</summary>
    private static System.Text.Json.Nodes.JsonObject Versioned(HttpContext http, RecordService.Versioned saved)
    {
        http.Response.Headers.ETag = saved.ETag;
        return saved.Record;
    }

    private static async Task<Ok<RecordService.RecordPage>> ListAsync(string module, HttpContext http, RecordService service, int? page, int? perPage)
    {
        var filters = http.Request.Query
            .Where(q => q.Key is not ("page" or "perPage"))
            .Select(q => (q.Key, q.Value.ToString()))
            .ToList();
        return TypedResults.Ok(await service.ListAsync(http.Actor(), module, page ?? 1, perPage ?? 50, filters));
    }

    /// <summary>A JSON array or a CSV body, streamed: rows are validated and inserted as they arrive.</summary>
    private static async Task<Ok<BulkResponse>> BulkAsync(string module, HttpContext http, BulkInsertService bulk, IOptions<LimitsOptions> limits)
    {
        var actor = http.Actor();
        var definition = actor.Authorize(module, ModuleAction.Create);
        if (!actor.User.HasFeature(FeaturePermissions.Import))
        {
            throw ProblemException.Forbidden($"Bulk insert is an import: it needs the '{FeaturePermissions.Import}' feature permission besides create on {module}; an admin grants it in the user's permissions.features.");
        }

        var contentType = http.Request.ContentType ?? "";
        var csv = contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(415, ProblemCodes.UnsupportedMediaType, "Send the rows as a JSON array (application/json) or as CSV (text/csv).");
        }

        // The whole body arrives before the insert's transaction opens: all or nothing, and no lock held on a slow client.
        await using var body = await TempSpool.SpoolAsync(http.Request.Body, "bulk", http.RequestAborted);
        var rows = csv
            ? CsvRecordReader.ReadAsync(body, definition, http.RequestAborted)
            : JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, cancellationToken: http.RequestAborted).Select(BulkRow.FromJson);
        var result = await bulk.InsertAsync(actor, module, rows, limits.Value.MaxBulkRows, http.RequestAborted);
        return TypedResults.Ok(new BulkResponse(result.Created, result.FailedCount, result.Failed));
    }
}
