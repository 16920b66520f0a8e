using System.IO.Compression;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// An uploaded migration file opened for reading: a CSV of the module the uploader named (the
/// X-Module header), or a ZIP whose top-level <c>&lt;module&gt;.csv</c> entries are module files and
/// whose other entries are attachment files referenced by <c>attachments.csv</c>. Entries are read
/// as streams; only the ZIP's central directory is held in memory.
/// </summary>
public sealed class MigrationSource : IAsyncDisposable
{
    private static readonly byte[] ZipMagic = [(byte)'P', (byte)'K', 3, 4];

    private readonly Stream _content;
    private readonly ZipArchive? _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _files;

    private MigrationSource(string fileName, Stream content, ZipArchive? zip, IReadOnlyList<MigrationSourcePart> parts, Dictionary<string, ZipArchiveEntry> files)
    {
        FileName = fileName;
        _content = content;
        _zip = zip;
        Parts = parts;
        _files = files;
    }

    public string FileName { get; }

    /// <summary>The module files, in migration order.</summary>
    public IReadOnlyList<MigrationSourcePart> Parts { get; }

    public bool IsZip => _zip is not null;

    /// <summary>
    /// Opens an upload; the source owns <paramref name="content"/>. A ZIP is read by seeking, so a
    /// stream that cannot seek (a remote blob) is first copied, streaming, to a temporary file that
    /// is deleted on dispose. <paramref name="module"/> is the X-Module header,
    /// required for a CSV and ignored for a ZIP. <paramref name="format"/> may add entry names
    /// its source system gives its files ("companies.csv" for accounts).
    /// </summary>
    public static async Task<MigrationSource> OpenAsync(string fileName, Stream content, string? module, SourceFormat? format = null, CancellationToken cancellationToken = default)
    {
        try
        {
            MigrationFileNames.RequirePlain(fileName);
            if (!content.CanSeek)
            {
                content = await SpoolAsync(content, cancellationToken);
            }

            if (!await IsZipAsync(content, cancellationToken))
            {
                var part = new MigrationSourcePart(fileName, null, MigrationModules.Require(module, $"The X-Module header of {fileName}"));
                if (part.Module == MigrationModules.Attachments)
                {
                    throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile,
                        $"{fileName} is a CSV, but attachments come as a ZIP holding attachments.csv (Source_Id, Ticket_Id, File_Name, Path) and the files it names.");
                }

                return new MigrationSource(fileName, content, null, [part], []);
            }

            ZipArchive zip;
            try
            {
                zip = await ZipArchive.CreateAsync(content, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            }
            catch (InvalidDataException)
            {
                throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile, $"{fileName} starts like a ZIP but is not a readable ZIP file; upload it again or send its CSV files one by one.");
            }

            try
            {
                var (parts, files) = Index(fileName, zip, format ?? SourceFormats.Generic);
                return new MigrationSource(fileName, content, zip, parts, files);
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a file path, for callers that staged the upload on disk.</summary>
    public static Task<MigrationSource> OpenFileAsync(string path, string? module, SourceFormat? format = null, CancellationToken cancellationToken = default) =>
        OpenAsync(Path.GetFileName(path), new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true), module, format, cancellationToken);

    private static async Task<Stream> SpoolAsync(Stream content, CancellationToken cancellationToken)
    {
        await using var owned = content;
        return await TempSpool.SpoolAsync(content, "migration", cancellationToken);
    }

    private static async Task<bool> IsZipAsync(Stream content, CancellationToken cancellationToken)
    {
        var head = new byte[ZipMagic.Length];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        content.Position = 0;
        return read == head.Length && head.AsSpan().SequenceEqual(ZipMagic);
    }

    private static (List<MigrationSourcePart>, Dictionary<string, ZipArchiveEntry>) Index(string fileName, ZipArchive zip, SourceFormat format)
    {
        var parts = new List<MigrationSourcePart>();
        var files = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!ZipEntryNames.IsSafe(entry.FullName))
            {
                throw ProblemException.BadRequest(MigrationProblemCodes.UnsafeEntry,
                    $"{fileName} holds an entry named '{MigrationFileNames.Printable(entry.FullName)}'; entry names must be relative paths without '..', a leading '/', '\\' or a drive letter.");
            }

            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }

            // Module files sit at the top of the ZIP; anything in a folder (or not a CSV) is an attachment file.
            if (!entry.FullName.Contains('/') && entry.FullName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                var stem = entry.FullName[..^4];
                var module = format.ModuleOfEntry(stem)
                    ?? throw ProblemException.BadRequest(MigrationProblemCodes.UnknownModule,
                        $"{fileName} holds {entry.FullName}, which names no migration module; name each CSV after its module: {string.Join(", ", MigrationModules.Order.Select(m => m + ".csv"))}.");
                if (parts.FirstOrDefault(p => p.Module == module) is { } earlier)
                {
                    throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile,
                        $"{fileName} holds both {earlier.Entry} and {entry.FullName} for {module}; put one CSV per module in a ZIP.");
                }

                parts.Add(new MigrationSourcePart(fileName, entry.FullName, module));
            }
            else
            {
                files[entry.FullName] = entry;
            }
        }

        if (files.Count > 0 && !parts.Any(p => p.Module == MigrationModules.Attachments))
        {
            throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile,
                $"{fileName} holds files such as {files.Keys.First()} but no attachments.csv to say which ticket each belongs to; add attachments.csv (Source_Id, Ticket_Id, File_Name, Path).");
        }

        if (parts.Count == 0)
        {
            throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile,
                $"{fileName} holds no module CSV; put files such as tickets.csv at the top of the ZIP.");
        }

        return ([.. MigrationModules.InMigrationOrder(parts, p => p.Module)], files);
    }

    /// <summary>Opens a module file as a CSV reader (header read and checked).</summary>
    public async Task<MigrationCsvReader> OpenCsvAsync(MigrationSourcePart part, CancellationToken cancellationToken = default)
    {
        if (_zip is null)
        {
            _content.Position = 0;
            return await MigrationCsvReader.OpenAsync(part.Label, new NonClosingStream(_content), cancellationToken);
        }

        var entry = _zip.GetEntry(part.Entry!) ?? throw new ArgumentException($"{part.Label} is not in this file.", nameof(part));
        return await MigrationCsvReader.OpenAsync(part.Label, await entry.OpenAsync(cancellationToken), cancellationToken);
    }

    /// <summary>True if the ZIP holds an attachment file at <paramref name="path"/> (the Path column of attachments.csv).</summary>
    public bool HasFile(string path) => _files.ContainsKey(path);

    /// <summary>The files of the ZIP that are not module CSVs, with their uncompressed sizes.</summary>
    public IEnumerable<(string Path, long Length)> Files => _files.Select(f => (f.Key, f.Value.Length));

    public async Task<Stream> OpenFileAsync(string path, CancellationToken cancellationToken = default) =>
        _files.TryGetValue(path, out var entry) ? await entry.OpenAsync(cancellationToken)
            : throw new FileNotFoundException($"{FileName} holds no file {path}.", path);

    public async ValueTask DisposeAsync()
    {
        _zip?.Dispose();
        await _content.DisposeAsync();
    }
}
