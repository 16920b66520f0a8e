using Microsoft.AspNetCore.Http;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// Copies a request body to a temporary file before any transaction opens, so a client that trickles its upload
/// holds a socket, not a database write lock or a pooled connection. The file is deleted when the stream is disposed.
/// </summary>
public static class BodySpool
{
    public static async Task<Stream> SpoolAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "crm-body-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await request.Body.CopyToAsync(file, cancellationToken);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
