using System.Collections.Immutable;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Receives a job's file: the job first says whether it takes one and how big it may be; the body
/// streams to the blob store under that limit; the stored file is read end to end (UTF-8, CSV shape,
/// headers, modules the job selected); only then does the job record it. Any refusal, and a body cut
/// off midway, leaves no blob behind and the job as it was.
/// </summary>
public sealed class MigrationUploads(IBlobStore blobs, IGrainFactory grains, TimeProvider clock)
{
    public static string FilesFolder(string orgId, string jobId) => $"orgs/{orgId}/migrations/{jobId}/files";

    public async Task<MigrationFile> UploadAsync(string orgId, string jobId, string fileName, string? module, Stream body, long? contentLength, string actorId,
        CancellationToken cancellationToken)
    {
        MigrationFileNames.RequirePlain(fileName);
        var job = grains.Grain<IMigrationJobGrain>(jobId);
        var allowance = await job.AllowUploadAsync(orgId, fileName);
        if (contentLength > allowance.MaxBytes)
        {
            throw TooLarge(allowance);
        }

        var path = $"{FilesFolder(orgId, jobId)}/{Ids.New()}";
        long size;
        await using (var writer = blobs.Create(path))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (writer.Length + read > allowance.MaxBytes)
                {
                    throw TooLarge(allowance);
                }

                await writer.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            size = writer.Length;
            if (contentLength is { } expected && size != expected)
            {
                throw ProblemException.BadRequest(MigrationProblemCodes.UploadIncomplete,
                    $"The upload ended after {size:N0} of the {expected:N0} bytes its Content-Length announced; nothing was stored. Upload {fileName} again.");
            }

            if (size == 0)
            {
                throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile, $"{fileName} is empty; upload a CSV with a header row, or a ZIP of module CSVs.");
            }

            await writer.CommitAsync();
        }

        try
        {
            var state = await job.GetAsync(orgId);
            var org = await grains.Grain<IOrganizationGrain>(orgId).GetAsync();
            var mapping = MigrationRules.Mapping(state);
            FileInspection inspection;
            await using (var source = await MigrationSource.OpenAsync(fileName, blobs.OpenRead(path), module, mapping.Format, cancellationToken))
            {
                RequireSelected(state, source);
                try
                {
                    inspection = await MigrationFileCheck.InspectAsync(source, mapping, org.Modules, cancellationToken);
                }
                catch (InvalidDataException e)
                {
                    // An entry the ZIP's directory lists but whose data cannot be read: encrypted, compressed by another method, or damaged.
                    throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile,
                        $"A CSV in {fileName} cannot be read ({e.Message.TrimEnd('.')}); save the ZIP without a password and with standard (Deflate) compression, and upload it again.");
                }
            }

            var file = new MigrationFile(fileName, path, size, allowance.Pass,
                [.. inspection.Parts.Select(p => new MigrationFilePart(p.Part.Entry, p.Part.Module, p.Rows, [.. p.UnusedColumns]))], clock.GetUtcNow());
            var replaced = await job.AddFileAsync(orgId, file, actorId);
            if (replaced is not null)
            {
                blobs.Delete(replaced);
            }

            return file;
        }
        catch (Exception e)
        {
            if (e is ProblemException || !await RecordedAsync(job, orgId, path))
            {
                blobs.Delete(path);
            }

            throw;
        }
    }

    /// <summary>
    /// Whether the job holds the upload after a call failed without a refusal: its silo may have died after the job's write.
    /// The blob stays when the job holds it, or when that cannot be told (a file left over is better than one the job misses).
    /// </summary>
    private static async Task<bool> RecordedAsync(IMigrationJobGrain job, string orgId, string path)
    {
        try
        {
            return (await job.GetAsync(orgId)).Files.Any(f => f.BlobPath == path);
        }
        catch
        {
            return true;
        }
    }

    private static void RequireSelected(MigrationJobState job, MigrationSource source)
    {
        if (source.Parts.FirstOrDefault(p => !job.Modules.Contains(p.Module)) is { } part)
        {
            throw ProblemException.BadRequest(MigrationProblemCodes.UnknownModule,
                $"{part.Label} holds {part.Module}, which this migration did not select (it migrates {string.Join(", ", job.Modules)}); create a job that selects {part.Module}, or leave the file out.");
        }
    }

    private static ProblemException TooLarge(UploadAllowance allowance) =>
        new(413, MigrationProblemCodes.LimitExceeded, allowance.Detail + " Nothing was stored.",
            new Dictionary<string, object?> { ["limit"] = MigrationOptions.Key(allowance.Limit) });
}
