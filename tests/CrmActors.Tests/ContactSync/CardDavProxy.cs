using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CrmActors.Tests.ContactSync;

/// <summary>
/// A small HTTP filter in front of Radicale: passes every request on, except that it can answer the
/// sync-collection REPORT with 501 (a server without RFC 6578) or replace the client's sync token with
/// one Radicale never issued (Radicale then rejects it, as a server that lost its history does), or answer slowly.
/// </summary>
public sealed partial class CardDavProxy : IAsyncDisposable
{
    private static readonly string[] Hop = ["Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection"];
    private readonly WebApplication app;
    private readonly HttpClient upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private int refused;
    private int replaced;

    private CardDavProxy(WebApplication app) => this.app = app;

    public bool RefuseSyncCollection { get; set; }

    /// <summary>Held before each request is passed on: a server that answers, but slowly.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Requests received so far.</summary>
    public int Received => Volatile.Read(ref received);

    private int received;

    public bool ReplaceSyncToken { get; set; }

    public int RefusedReports => Volatile.Read(ref refused);

    public int ReplacedTokens => Volatile.Read(ref replaced);

    public Uri Url => new(app.Urls.First());

    /// <summary>The same path on the proxy as <paramref name="radicale"/> on Radicale.</summary>
    public Uri For(Uri radicale) => new(Url, radicale.PathAndQuery);

    public static async Task<CardDavProxy> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var proxy = new CardDavProxy(app);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    private async Task ForwardAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync();
        Interlocked.Increment(ref received);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, http.RequestAborted);
        }

        if (http.Request.Method == "REPORT" && body.Contains("sync-collection", StringComparison.Ordinal))
        {
            if (RefuseSyncCollection)
            {
                Interlocked.Increment(ref refused);
                http.Response.StatusCode = StatusCodes.Status501NotImplemented;
                return;
            }

            if (ReplaceSyncToken && Token().IsMatch(body))
            {
                Interlocked.Increment(ref replaced);
                body = Token().Replace(body, m => m.Groups[1].Value + "http://radicale.org/ns/sync/" + new string('0', 64) + m.Groups[3].Value);
            }
        }

        // A fresh connection per request: Radicale closes idle ones, and a reused closed one would fail the request.
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(RadicaleServer.Url, http.Request.Path + http.Request.QueryString));
        request.Headers.ConnectionClose = true;
        foreach (var (name, values) in http.Request.Headers.Where(h => !Hop.Contains(h.Key, StringComparer.OrdinalIgnoreCase) && !h.Key.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        if (body.Length > 0 || http.Request.ContentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (http.Request.ContentType is { } type)
            {
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
            }
        }

        using var response = await SendAsync(request, body, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => h.Key is not ("Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive")))
        {
            http.Response.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    /// <summary>
    /// Sent once more when Radicale closed the connection without an answer (it does so, rarely, under load), as
    /// the product's own client does: a read after any network error, a write only when no answer began.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string body, CancellationToken cancellationToken)
    {
        try
        {
            return await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e) when (request.Method.Method is "PROPFIND" or "REPORT" or "GET" || e.HttpRequestError == HttpRequestError.ResponseEnded)
        {
            using var again = new HttpRequestMessage(request.Method, request.RequestUri);
            foreach (var (name, values) in request.Headers)
            {
                again.Headers.TryAddWithoutValidation(name, values);
            }

            if (request.Content is not null)
            {
                again.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                again.Content.Headers.ContentType = request.Content.Headers.ContentType;
            }

            return await upstream.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    [GeneratedRegex("(<(?:[A-Za-z0-9]+:)?sync-token>)([^<]+)(</)")]
    private static partial Regex Token();
}
