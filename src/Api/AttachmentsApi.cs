using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Attachments;
using CrmActors.Grains.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CrmActors.Api;

public static class AttachmentsApi
{
    public sealed record AttachmentResponse(string Id, string FileName, long Size, string ContentType, string Sha256, string? Field, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapAttachmentsApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/api/orgs/{orgId}/modules/{module}/records/{id}").WithTags("Attachments").ForMembers();
        BodyLimit.WithBodyLimit(files.MapPost("attachments", (string orgId, string module, string id, HttpContext http, AttachmentService service, IOptions<LimitsOptions> limits) =>
            UploadAsync(orgId, module, id, null, http, service, limits)), MultipartLimit).DisableAntiforgery();
        BodyLimit.WithBodyLimit(files.MapPut("files/{field}", (string orgId, string module, string id, string field, HttpContext http, AttachmentService service, IOptions<LimitsOptions> limits) =>
            UploadAsync(orgId, module, id, field, http, service, limits)), MultipartLimit).DisableAntiforgery();
        files.MapGet("attachments", async (string module, string id, HttpContext http, AttachmentService service) =>
            TypedResults.Ok((await service.ListAsync(http.Actor(), module, id)).Select(AsResponse).ToList()));
        files.MapGet("attachments/{attachmentId}", async (string module, string id, string attachmentId, HttpContext http, AttachmentService service) =>
        {
            var (row, content) = await service.OpenAsync(http.Actor(), module, id, attachmentId);
            return TypedResults.Stream(content, row.ContentType, row.FileName, enableRangeProcessing: true);
        });
        return app;
    }

    // The multipart envelope adds a little to the file itself; the service enforces the exact file limit.
    private static long MultipartLimit(LimitsOptions limits) => limits.MaxUploadBytes + (64 * 1024);

    /// <summary>Streams the first file part of a multipart body into the blob store.</summary>
    private static async Task<Created<AttachmentResponse>> UploadAsync(
        string orgId, string module, string id, string? field, HttpContext http, AttachmentService service, IOptions<LimitsOptions> limits)
    {
        var boundary = MultipartBody.Boundary(http.Request)
            ?? throw new ProblemException(415, ProblemCodes.UnsupportedMediaType, "Upload the file as multipart/form-data with one file part.");
        await foreach (var section in MultipartBody.SectionsAsync(http.Request, boundary, http.RequestAborted))
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "file";
                var row = await service.UploadAsync(http.Actor(), module, id, field, fileName, section.ContentType ?? "application/octet-stream",
                    section.Body, limits.Value.MaxUploadBytes, http.RequestAborted);
                return TypedResults.Created($"/api/orgs/{orgId}/modules/{module}/records/{id}/attachments/{row.Id}", AsResponse(row));
            }
        }

        throw ProblemException.BadRequest(ProblemCodes.MalformedBody, "The multipart body has no file part; send the file in a part with a filename.");
    }

    private static AttachmentResponse AsResponse(AttachmentRow row) =>
        new(row.Id, row.FileName, row.Size, row.ContentType, row.Sha256, row.Field, UnixTime.At(row.CreatedAt));
}
