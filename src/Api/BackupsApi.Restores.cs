using System.Globalization;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.Blobs;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CrmActors.Api;

public static partial class BackupsApi
{
    public sealed record RestoreBody(string? BackupId, string? Mode, string? Module, bool? DryRun);

    public sealed record RestoreAccepted(string Id, string Status);

    private static void MapRestores(IEndpointRouteBuilder app)
    {
        var restores = app.MapGroup("/api/orgs/{orgId}/restores").WithTags("Restores").ForAdmins();
        restores.MapPost("", StartRestoreAsync);
        BodyLimit.BoundedByItself(restores.MapPost("upload", UploadRestoreAsync)).DisableAntiforgery()
            .Accepts<IFormFile>("application/zip", "multipart/form-data");
        restores.MapGet("", async (HttpContext http, RestoreStore store) =>
            TypedResults.Ok((await store.ListAsync(http.Actor().OrgId)).Select(r => r.AsSummary()).ToList()));
        restores.MapGet("{restoreId}", GetRestoreAsync).ProducesJsonOrCsv<RestoreResponse>();
    }

    private static async Task<Accepted<RestoreAccepted>> StartRestoreAsync(string orgId, RestoreBody body, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(body.BackupId))
        {
            throw ProblemException.Validation("backupId", "backupId names a ready backup; to restore a downloaded Data ZIP, POST it to …/restores/upload.");
        }

        var id = await Grain(http, grains).StartRestoreAsync(
            new RestoreStart(Ids.New(), body.BackupId, [], [], body.Mode ?? "", body.Module, body.DryRun ?? false), http.Actor().User.Id);
        return TypedResults.Accepted($"/api/orgs/{orgId}/restores/{id}", new RestoreAccepted(id, RestoreStatuses.Queued));
    }

    /// <summary>
    /// A backup's ZIP parts uploaded as the raw body (one Data ZIP, options in the query) or as multipart
    /// parts (Data and Attachments parts, options as form fields or query). Each part streams to the blob
    /// store; unsafe entry names, a missing manifest or a checksum mismatch are refused before anything is restored.
    /// </summary>
    private static async Task<Accepted<RestoreAccepted>> UploadRestoreAsync(
        string orgId, HttpContext http, IGrainFactory grains, IBlobStore blobs, RestoreStore restores, IOptions<BackupOptions> options, string? mode, string? module, bool? dryRun)
    {
        var limit = options.Value.MaxRestoreUploadBytes;
        var restoreId = Ids.New();
        var folder = BackupConstants.UploadFolder(orgId, restoreId);
        try
        {
            var upload = new RestoreUpload(blobs, folder, limit);
            var form = await upload.ReceiveAsync(http.Request, http.RequestAborted);
            var (data, attachments) = await upload.ClassifyAsync(http.RequestAborted);
            var start = new RestoreStart(restoreId, null, data, attachments,
                mode ?? form.GetValueOrDefault("mode") ?? "", module ?? form.GetValueOrDefault("module"),
                dryRun ?? bool.TryParse(form.GetValueOrDefault("dryRun"), out var dry) && dry);
            await Grain(http, grains).StartRestoreAsync(start, http.Actor().User.Id);
            return TypedResults.Accepted($"/api/orgs/{orgId}/restores/{restoreId}", new RestoreAccepted(restoreId, RestoreStatuses.Queued));
        }
        catch (InvalidBackupException invalid)
        {
            blobs.DeleteFolder(folder);
            throw ProblemException.BadRequest(ProblemCodes.Validation, invalid.Message);
        }
        catch (Exception e)
        {
            if (e is ProblemException || !await QueuedAsync())
            {
                blobs.DeleteFolder(folder);
            }

            throw;
        }

        // After a failure without a refusal the grain may have queued the restore (its silo died after the write): the upload
        // stays when the restore exists, or when that cannot be told. Its next activation applies the queued restore first.
        async Task<bool> QueuedAsync()
        {
            try
            {
                await Grain(http, grains).GetSummaryAsync();
                return await restores.GetAsync(orgId, restoreId) is not null;
            }
            catch
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The restore's status and report, its lists capped by <c>?limit=</c> (0: none, counts only); or, when the client asks for <c>text/csv</c>, the
    /// whole report as a file: every row not restored, every warning and every remap kept, one line each.
    /// </summary>
    private static async Task<IResult> GetRestoreAsync(string restoreId, HttpContext http, RestoreStore store, int? limit)
    {
        var orgId = http.Actor().OrgId;
        var restore = await store.GetAsync(orgId, restoreId) ?? throw ProblemException.NotFound($"Restore {restoreId}");
        if (CsvDownload.Wanted(http.Request))
        {
            return await CsvDownload.WriteAsync(http, $"restore-{restore.Id}.csv", ["kind", "module", "file", "row", "id", "newId", "reason"],
                new[] { RestoreItemKinds.Failed, RestoreItemKinds.Warning, RestoreItemKinds.Remap }.ToAsyncEnumerable()
                    .SelectMany(kind => store.AllItemsAsync(orgId, restore.Id, kind))
                    .Select(i => (IReadOnlyList<string?>)[i.Kind, i.Module, i.File, i.Row?.ToString(CultureInfo.InvariantCulture), i.RecordId, i.NewId, ReasonOf(i)]));
        }

        // ?limit=0: the status and counts alone, what a client polling for the end needs.
        var max = Math.Clamp(limit ?? 1_000, 0, MaxListedItems);
        async Task<IReadOnlyList<RestoreItem>> ItemsAsync(string kind) => max == 0 ? [] : await store.ItemsAsync(orgId, restoreId, kind, max);
        return TypedResults.Ok(restore.AsResponse(
            await ItemsAsync(RestoreItemKinds.Failed), await ItemsAsync(RestoreItemKinds.Remap), await ItemsAsync(RestoreItemKinds.Warning)));
    }

    // A remap's line says whose ID it was, as the JSON report's idRemap kind does.
    private static string? ReasonOf(RestoreItem i) => i.Kind == RestoreItemKinds.Remap ? RemapKind(i) : i.Reason;

    /// <summary>The most items of each kind a JSON report lists; the CSV report has them all.</summary>
    private const int MaxListedItems = 100_000;
}

/// <summary>Receives an uploaded backup: streams each ZIP part to the blob store under a size limit, then sorts the parts into Data and Attachments.</summary>
internal sealed class RestoreUpload(IBlobStore blobs, string folder, long limit)
{
    /// <summary>The longest option value (mode, module, dryRun) a form field may carry.</summary>
    private const int MaxFieldChars = 256;

    private readonly List<string> _parts = [];
    private readonly Dictionary<string, string> _fileNames = [];
    private long _received;

    public async Task<Dictionary<string, string>> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (MultipartBody.Boundary(request) is { } boundary)
        {
            await foreach (var section in MultipartBody.SectionsAsync(request, boundary, cancellationToken))
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    await SaveAsync(section.Body, Grains.Attachments.FileNames.Safe(fileName), cancellationToken);
                }
                else if (disposition?.Name.Value is { } name)
                {
                    form[name] = await ReadFieldAsync(name, section.Body, cancellationToken);
                }
            }
        }
        else if (request.ContentType?.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase) == true
            || request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            await SaveAsync(request.Body, "the uploaded ZIP", cancellationToken);
        }
        else
        {
            throw new ProblemException(415, ProblemCodes.UnsupportedMediaType,
                "Send the Data ZIP as the body (application/zip), or the backup's ZIP parts as multipart/form-data file parts.");
        }

        return _parts.Count > 0 ? form : throw ProblemException.BadRequest(ProblemCodes.MalformedBody, "No ZIP was uploaded; send the backup's Data ZIP.");
    }

    /// <summary>Parts holding a manifest or CSV files are Data parts; the rest are Attachments parts. The manifest's checksums are verified.</summary>
    public async Task<(List<string> Data, List<string> Attachments)> ClassifyAsync(CancellationToken cancellationToken)
    {
        var data = new List<string>();
        var attachments = new List<string>();
        foreach (var part in _parts)
        {
            using var archive = await RestoreSource.OpenArchiveAsync(blobs.OpenRead(part), _fileNames[part]);
            (archive.Entries.Any(e => e.FullName == BackupConstants.ManifestEntry || (e.FullName.EndsWith(".csv", StringComparison.Ordinal) && !e.FullName.Contains('/')))
                ? data : attachments).Add(part);
        }

        using var source = await RestoreSource.OpenAsync(blobs, data, attachments);
        await source.VerifyAsync(cancellationToken);
        return (data, attachments);
    }

    /// <summary>A form field's value, read only up to <see cref="MaxFieldChars"/>: an option, never a payload.</summary>
    private static async Task<string> ReadFieldAsync(string name, Stream body, CancellationToken cancellationToken)
    {
        using var text = new StreamReader(body);
        var buffer = new char[MaxFieldChars + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await text.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length <= MaxFieldChars
            ? new string(buffer, 0, length).Trim()
            : throw ProblemException.Validation(name, $"The form field {name} is longer than {MaxFieldChars} characters; it takes an option (mode, module or dryRun), send files as file parts.");
    }

    private async Task SaveAsync(Stream body, string fileName, CancellationToken cancellationToken)
    {
        await using var writer = blobs.Create($"{folder}/part-{_parts.Count + 1:D3}.zip");
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            _received += read;
            if (_received > limit)
            {
                throw new ProblemException(413, ProblemCodes.PayloadTooLarge, $"The upload is larger than {limit} bytes (setting Backups:MaxRestoreUploadBytes); nothing was stored.");
            }

            await writer.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        await writer.CommitAsync();
        _parts.Add(writer.Path);
        _fileNames[writer.Path] = fileName;
    }
}
