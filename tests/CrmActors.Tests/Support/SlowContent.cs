using System.Net;

namespace CrmActors.Tests.Support;

/// <summary>
/// A request body sent in two parts: the first at once, the rest only when the test calls <see cref="Release"/>
/// (a client that trickles its upload, or a signature split over two network reads).
/// </summary>
public sealed class SlowContent(byte[] first, byte[] rest, string contentType) : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SlowContent WithHeaders()
    {
        Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return this;
    }

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(first);
        await stream.FlushAsync();
        FirstSent.TrySetResult();
        await _release.Task;
        await stream.WriteAsync(rest);
    }

    /// <summary>No length: sent chunked, so the server sees the first part before the rest exists.</summary>
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
