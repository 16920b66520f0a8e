namespace CrmActors.Grains.Common;

/// <summary>
/// Copies a stream to a temporary file and hands back that file, positioned at its start, deleted when it is
/// disposed: a client's body arrives whole before any transaction opens (a slow client then holds a socket, not a
/// database write lock or a pooled connection), and an archive can be read with seeks.
/// </summary>
public static class TempSpool
{
    public static async Task<Stream> SpoolAsync(Stream content, string prefix, CancellationToken cancellationToken)
    {
        var spool = new FileStream(Path.Combine(Path.GetTempPath(), $"crm-{prefix}-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await content.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }
}
