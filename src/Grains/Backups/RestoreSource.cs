using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Backups;

/// <summary>A backup's input is not usable (unsafe entry names, no manifest, a checksum that does not match); nothing is written.</summary>
public sealed class InvalidBackupException(string message) : Exception(message);

/// <summary>
/// The ZIP parts a restore reads: Data parts (CSV files, files.csv, manifest.json) and Attachments
/// parts, opened from the blob store. Entries are looked up by name across all parts of a kind.
/// </summary>
public sealed class RestoreSource : IDisposable
{
    private readonly List<ZipArchive> _archives = [];
    private readonly Dictionary<string, ZipArchiveEntry> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ZipArchiveEntry> _attachments = new(StringComparer.Ordinal);

    private RestoreSource()
    {
    }

    public BackupManifest Manifest { get; private set; } = null!;

    public static async Task<RestoreSource> OpenAsync(IBlobStore blobs, IReadOnlyList<string> dataParts, IReadOnlyList<string> attachmentParts)
    {
        var source = new RestoreSource();
        try
        {
            foreach (var (parts, index) in new[] { (dataParts, source._data), (attachmentParts, source._attachments) })
            {
                foreach (var part in parts)
                {
                    var archive = await OpenArchiveAsync(blobs.OpenRead(part), part);
                    source._archives.Add(archive);
                    foreach (var entry in archive.Entries.Where(e => !e.FullName.EndsWith('/')))
                    {
                        if (!index.TryAdd(entry.FullName, entry))
                        {
                            throw new InvalidBackupException($"{entry.FullName} appears in more than one ZIP part.");
                        }
                    }
                }
            }

            if (!source._data.TryGetValue(BackupConstants.ManifestEntry, out var manifest))
            {
                throw new InvalidBackupException("The Data ZIP has no manifest.json; upload every part of a CrmActors backup's Data ZIP.");
            }

            if (manifest.Length > MaxManifestBytes)
            {
                throw new InvalidBackupException($"manifest.json is {manifest.Length} bytes; a CrmActors manifest is far smaller (at most {MaxManifestBytes}).");
            }

            await using (var stream = await OpenBoundedAsync(manifest))
            {
                source.Manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, JsonSerializerOptions.Web)
                    ?? throw new InvalidBackupException("manifest.json is empty.");
            }

            if (source.Manifest.FormatVersion != BackupConstants.FormatVersion)
            {
                throw new InvalidBackupException($"The backup has format version {source.Manifest.FormatVersion}; this version reads format {BackupConstants.FormatVersion}.");
            }

            if (source.Manifest.Defect() is { } defect)
            {
                throw new InvalidBackupException($"manifest.json {defect}; upload the Data ZIP as CrmActors made it.");
            }

            return source;
        }
        catch (JsonException exception)
        {
            source.Dispose();
            throw new InvalidBackupException($"manifest.json is not valid: {exception.Message}");
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>How many times its compressed size an entry may expand to (deflate's ceiling is about 1,032); more is a ZIP bomb.</summary>
    public const int MaxExpansionRatio = 200;

    /// <summary>Entries this small are never refused for their ratio (a few KB of repeated text compress very well).</summary>
    private const long RatioFloorBytes = 1 << 20;

    /// <summary>The largest manifest.json read (a real one is a few KB per module).</summary>
    private const long MaxManifestBytes = 16 << 20;

    /// <summary>
    /// Opens a ZIP and refuses it if any entry name could escape a folder (".." or absolute paths) or any entry claims
    /// to expand past <see cref="MaxExpansionRatio"/>; <paramref name="name"/> is the uploader's file name, for messages.
    /// </summary>
    public static async Task<ZipArchive> OpenArchiveAsync(Stream stream, string name)
    {
        ZipArchive archive;
        try
        {
            archive = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null);
        }
        catch (InvalidDataException)
        {
            await stream.DisposeAsync();
            throw new InvalidBackupException($"{Path.GetFileName(name)} is not a ZIP file.");
        }

        if (archive.Entries.FirstOrDefault(e => !ZipEntryNames.IsSafe(e.FullName)) is { } unsafeEntry)
        {
            archive.Dispose();
            throw new InvalidBackupException($"{Path.GetFileName(name)} holds an entry named '{unsafeEntry.FullName}'; entry names must be relative paths without '..'.");
        }

        if (archive.Entries.FirstOrDefault(e => e.Length > RatioFloorBytes && e.Length / Math.Max(1, e.CompressedLength) > MaxExpansionRatio) is { } bomb)
        {
            archive.Dispose();
            throw new InvalidBackupException(
                $"{Path.GetFileName(name)} holds {bomb.FullName}, which expands {bomb.Length / Math.Max(1, bomb.CompressedLength)} times its compressed size (at most {MaxExpansionRatio}); it is not a CrmActors backup.");
        }

        return archive;
    }

    public Task<Stream> OpenDataAsync(string name) =>
        _data.TryGetValue(name, out var entry) ? OpenBoundedAsync(entry) : throw new InvalidBackupException($"The manifest lists {name}, but no Data ZIP part holds it.");

    public bool HasAttachment(string path) => _attachments.ContainsKey(path);

    public Task<Stream> OpenAttachmentAsync(string path) => OpenBoundedAsync(_attachments[path]);

    /// <summary>An entry's content, which fails if it yields more bytes than its header declares (a header that lies about a bomb).</summary>
    private static async Task<Stream> OpenBoundedAsync(ZipArchiveEntry entry) => new LimitedReadStream(await entry.OpenAsync(), entry.Length,
        () => new InvalidBackupException($"{entry.FullName} holds more than the {entry.Length} bytes its ZIP header declares; the ZIP is damaged or crafted."));

    /// <summary>Checks every file the manifest lists against its SHA-256, reading each once.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        foreach (var file in Manifest.Files)
        {
            await using var stream = await OpenDataAsync(file.Name);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (hash != file.Sha256)
            {
                throw new InvalidBackupException($"{file.Name} does not match the SHA-256 in manifest.json; the backup is damaged or was edited.");
            }
        }
    }

    public void Dispose()
    {
        foreach (var archive in _archives)
        {
            archive.Dispose();
        }
    }
}
