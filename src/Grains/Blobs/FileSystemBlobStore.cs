using System.Text.RegularExpressions;

namespace CrmActors.Grains.Blobs;

/// <summary>Blobs as files under one root (a shared volume in a cluster).</summary>
public sealed partial class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _temporary;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        _temporary = Path.Combine(_root, ".tmp");
        Directory.CreateDirectory(_temporary);
    }

    public BlobWriter Create(string path) =>
        new(Path.Combine(_temporary, Guid.NewGuid().ToString("N")), FullPath(path), path);

    public Stream OpenRead(string path) =>
        new FileStream(FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public bool Exists(string path) => File.Exists(FullPath(path));

    public long Length(string path) => new FileInfo(FullPath(path)).Length;

    public void Delete(string path) => File.Delete(FullPath(path));

    public void DeleteFolder(string path)
    {
        var full = FullPath(path);
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }
    }

    public IEnumerable<string> List(string folder)
    {
        var full = FullPath(folder);
        return Directory.Exists(full)
            ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_root, f).Replace('\\', '/'))
            : [];
    }

    public IEnumerable<string> Folders(string folder)
    {
        var full = FullPath(folder);
        return Directory.Exists(full) ? Directory.EnumerateDirectories(full).Select(d => Path.GetFileName(d)) : [];
    }

    public int DeleteAbandonedWrites(TimeSpan olderThan)
    {
        var deleted = 0;
        foreach (var file in new DirectoryInfo(_temporary).EnumerateFiles().Where(f => f.LastWriteTimeUtc < DateTime.UtcNow - olderThan))
        {
            file.Delete();
            deleted++;
        }

        return deleted;
    }

    private string FullPath(string path)
    {
        if (!SafePath().IsMatch(path) || path.Split('/').Any(segment => segment is "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a valid blob path.", nameof(path));
        }

        return Path.Combine(_root, path);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-]([A-Za-z0-9_.\-]*)(/[A-Za-z0-9_\-][A-Za-z0-9_.\-]*)*$")]
    private static partial Regex SafePath();
}
