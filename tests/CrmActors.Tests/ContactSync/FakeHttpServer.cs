using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrmActors.Tests.ContactSync;

/// <summary>
/// A loopback TCP server that answers every HTTP request with whatever <c>respond</c> writes, or
/// nothing at all: stands in for a server that answers HTML, truncated XML, or never answers.
/// </summary>
public sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Func<string, Stream, CancellationToken, Task> respond;
    private readonly Task loop;
    private int requests;

    public FakeHttpServer(Func<Stream, CancellationToken, Task> respond) : this((_, stream, token) => respond(stream, token))
    {
    }

    /// <summary>A server whose answer depends on the request line and headers it is given.</summary>
    public FakeHttpServer(Func<string, Stream, CancellationToken, Task> respond)
    {
        this.respond = respond;
        listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        loop = AcceptAsync();
    }

    public Uri Url { get; }

    public int Requests => Volatile.Read(ref requests);

    /// <summary>Every request received: request line, headers and body.</summary>
    public ConcurrentQueue<string> Heads { get; } = new();

    public static FakeHttpServer Answering(int status, string contentType, string body, int? declaredLength = null, string? location = null) =>
        new(async (stream, token) =>
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status} Whatever\r\nContent-Type: {contentType}\r\nContent-Length: {declaredLength ?? bytes.Length}\r\n"
                + (location is null ? "" : $"Location: {location}\r\n") + "Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), token);
            await stream.WriteAsync(bytes, token);
        });

    /// <summary>Reads the request, then holds the connection open without a byte of answer.</summary>
    public static FakeHttpServer Silent() => new((_, token) => Task.Delay(Timeout.Infinite, token));

    /// <summary>Sends the status line and headers of a 207, then nothing more.</summary>
    public static FakeHttpServer StallingBody() => new(async (stream, token) =>
    {
        await stream.WriteAsync("HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\">"u8.ToArray(), token);
        await Task.Delay(Timeout.Infinite, token);
    });

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadRequestAsync(stream, stop.Token);
                Heads.Enqueue(head);
                Interlocked.Increment(ref requests);
                await respond(head, stream, stop.Token);
                await stream.FlushAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // The client gave up or the server stops.
            }
        }
    }

    /// <summary>Reads headers and a Content-Length body, so closing the socket does not reset an unread request.</summary>
    private static async Task<string> ReadRequestAsync(Stream stream, CancellationToken token)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer) && await stream.ReadAsync(one, token) == 1)
        {
            buffer.Add(one[0]);
        }

        var head = Encoding.ASCII.GetString([.. buffer]);
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        var read = 0;
        while (read < length && await stream.ReadAsync(body.AsMemory(read), token) is var n and > 0)
        {
            read += n;
        }

        return head + Encoding.UTF8.GetString(body, 0, read);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await loop;
        stop.Dispose();
    }
}
