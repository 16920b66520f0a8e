namespace CrmActors.Grains.Blobs;

/// <summary>A blob being written: a stream to a temporary file, published by an atomic rename.</summary>
public sealed class BlobWriter : IAsyncDisposable
{
    private readonly string _temporaryPath;
    private readonly string _finalPath;
    private bool _committed;

    internal BlobWriter(string temporaryPath, string finalPath, string path)
    {
        _temporaryPath = temporaryPath;
        _finalPath = finalPath;
        Path = path;
        Stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    public string Path { get; }

    public FileStream Stream { get; }

    public long Length => Stream.Length;

    /// <summary>Flushes to disk and renames the file into place, replacing any earlier blob at that path.</summary>
    public async Task CommitAsync()
    {
        await Stream.FlushAsync();
        Stream.Flush(flushToDisk: true);
        await Stream.DisposeAsync();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_finalPath)!);
        File.Move(_temporaryPath, _finalPath, overwrite: true);
        _committed = true;
    }

    /// <summary>Without a commit the temporary file is removed: an abandoned write leaves nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        if (!_committed)
        {
            File.Delete(_temporaryPath);
        }
    }
}
