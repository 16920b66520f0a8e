using CrmActors.Api.Infrastructure;
using CrmActors.Grains.RecycleBin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static class RecycleBinApi
{
    public sealed record RestoreResponse(string RecordId, int RestoredRecords);

    public sealed record EmptyResponse(int PurgedRecords);

    public static IEndpointRouteBuilder MapRecycleBinApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/orgs/{orgId}/recycle-bin").WithTags("Recycle bin").ForMembers();
        members.MapGet("", async (HttpContext http, RecycleBinService bin, int? page, int? perPage) =>
        {
            // The body stays the list of entries; the page's place in the whole is in the headers.
            var result = await bin.ListAsync(http.Actor(), page ?? 1, perPage ?? 100);
            http.Response.Headers["X-Total-Count"] = result.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if ((long)result.PageNumber * result.PerPage < result.Total)
            {
                http.Response.Headers.Link = $"<{http.Request.Path}?page={result.PageNumber + 1}&perPage={result.PerPage}>; rel=\"next\"";
            }

            return TypedResults.Ok(result.Items);
        });
        members.MapPost("{recordId}/restore", async (string recordId, HttpContext http, RecycleBinService bin) =>
            TypedResults.Ok(new RestoreResponse(recordId, await bin.RestoreAsync(http.Actor(), recordId))));
        var admins = app.MapGroup("/api/orgs/{orgId}/recycle-bin").WithTags("Recycle bin").ForAdmins();
        admins.MapDelete("", async (HttpContext http, RecycleBinService bin) => TypedResults.Ok(new EmptyResponse(await bin.EmptyAsync(http.Actor()))));
        return app;
    }
}
