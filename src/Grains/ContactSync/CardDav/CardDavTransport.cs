using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using CrmActors.Grains.Common;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>
/// Sends one WebDAV request: credentials, a per-attempt timeout covering the whole answer, the body
/// read up to the size cap, redirects followed (credentials only on the same origin), and retries with
/// exponential backoff (Polly) for safe methods only. Failures become <see cref="CardDavException"/>.
/// </summary>
internal sealed class CardDavTransport
{
    private static readonly HashSet<string> SafeMethods = ["GET", "HEAD", "PROPFIND", "REPORT", "OPTIONS"];

    private readonly HttpClient http;
    private readonly CardDavCredentials credentials;
    private readonly CardDavClientOptions options;
    private readonly ILogger logger;
    private readonly ResiliencePipeline<DavReply> retrying;
    private readonly ResiliencePipeline<DavReply> writing;
    private volatile bool closeEachConnection;

    public CardDavTransport(HttpClient http, CardDavCredentials credentials, CardDavClientOptions options, ILogger logger)
    {
        this.http = http;
        this.credentials = credentials;
        this.options = options;
        this.logger = logger;
        var timeout = new TimeoutStrategyOptions { Timeout = options.RequestTimeout };
        // A write is retried only when a kept-alive connection turned out closed before any answer: the server
        // never read it. (Should it have, the retry meets the changed ETag and says 412, which the sync resolves.)
        writing = new ResiliencePipelineBuilder<DavReply>()
            .AddRetry(new RetryStrategyOptions<DavReply>
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }),
            })
            .AddTimeout(timeout)
            .Build();
        retrying = options.MaxRetries <= 0 ? new ResiliencePipelineBuilder<DavReply>().AddTimeout(timeout).Build() : new ResiliencePipelineBuilder<DavReply>()
            .AddRetry(new RetryStrategyOptions<DavReply>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    logger.LogInformation("CardDAV request retried (attempt {Attempt}) after {Outcome}", args.AttemptNumber + 1,
                        args.Outcome.Exception?.GetType().Name ?? $"HTTP {args.Outcome.Result?.Status}");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(timeout)
            .Build();
    }

    public async Task<DavReply> SendAsync(HttpMethod method, Uri uri, string? body, string? contentType, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var target = uri;
        for (var hop = 0; ; hop++)
        {
            var sameOrigin = Uri.Compare(target, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
            var reply = await SendOnceAsync(method, target, body, contentType, headers, sameOrigin, cancellationToken);
            if (reply.Status is not (301 or 302 or 303 or 307 or 308) || reply.Location is not { } next)
            {
                return reply;
            }

            if (hop >= options.MaxRedirects)
            {
                throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(uri)} redirected more than {options.MaxRedirects} times.", reply.Status);
            }

            logger.LogDebug("CardDAV {Method} {Url} redirected to {Location}", method, CardDavException.Describe(target), CardDavException.Describe(next));
            target = next;
        }
    }

    private async Task<DavReply> SendOnceAsync(HttpMethod method, Uri uri, string? body, string? contentType, IReadOnlyDictionary<string, string>? headers, bool withCredentials, CancellationToken cancellationToken)
    {
        var pipeline = SafeMethods.Contains(method.Method) ? retrying : writing;
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(method, uri);
                request.Headers.UserAgent.ParseAdd(options.UserAgent);
                request.Headers.ConnectionClose = closeEachConnection ? true : null;
                if (withCredentials)
                {
                    request.Headers.Authorization = credentials.Header;
                }

                foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                if (body is not null)
                {
                    request.Content = new StringContent(body, new UTF8Encoding(false), MediaTypeHeaderValue.Parse(contentType ?? "application/xml; charset=utf-8"));
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                // HTTP/1.0 servers (Radicale's own) close after each answer without saying so; HttpClient would
                // reuse the dead connection, so from now on ask for a new one each time.
                closeEachConnection |= response.Version == HttpVersion.Version10 && !response.Headers.Connection.Contains("keep-alive", StringComparer.OrdinalIgnoreCase);
                var text = await ReadBodyAsync(response, uri, token);
                logger.LogDebug("CardDAV {Method} {Url} answered {Status}", method, CardDavException.Describe(uri), (int)response.StatusCode);
                return new DavReply(uri, (int)response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, text);
            }, cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new CardDavException(CardDavError.Timeout,
                $"The server at {CardDavException.Describe(uri)} did not answer {method} within {options.RequestTimeout.TotalSeconds:0.#} s; check that it is a CardDAV server and reachable.", inner: e);
        }
        catch (HttpRequestException e) when (FindProblem(e) is { } problem)
        {
            throw new CardDavException(CardDavError.OutboundBlocked, problem.Message, inner: problem);
        }
        catch (IOException e)
        {
            throw new CardDavException(CardDavError.InvalidResponse,
                $"The answer of the server at {CardDavException.Describe(uri)} to {method} broke off; try again later.", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new CardDavException(CardDavError.Unreachable,
                $"The server at {CardDavException.Describe(uri)} could not be reached ({e.HttpRequestError}); check the URL.", inner: e);
        }
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, Uri uri, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > options.MaxResponseBytes)
        {
            throw TooLarge(uri);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxResponseBytes)
            {
                throw TooLarge(uri);
            }

            buffer.Write(chunk, 0, read);
        }

        var charset = response.Content.Headers.ContentType?.CharSet?.Trim('"');
        var encoding = charset is null ? Encoding.UTF8 : VCards.QuotedPrintable.GetEncoding(charset);
        return encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }

    private CardDavException TooLarge(Uri uri) =>
        new(CardDavError.ResponseTooLarge, $"The server at {CardDavException.Describe(uri)} answered with more than {options.MaxResponseBytes} bytes.");

    private static bool IsTransient(Outcome<DavReply> outcome) => outcome switch
    {
        { Exception: HttpRequestException e } => FindProblem(e) is null,
        { Exception: TimeoutRejectedException or IOException } => true,
        { Result.Status: 429 or 502 or 503 or 504 } => true,
        _ => false,
    };

    private static ProblemException? FindProblem(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProblemException problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Turns a non-success answer into the typed error the caller acts on.</summary>
    public static CardDavException Failure(DavReply reply, string action)
    {
        var where = CardDavException.Describe(reply.RequestUri);
        return reply.Status switch
        {
            401 => new CardDavException(CardDavError.Unauthorized, $"The server at {where} refused the credentials (401) when asked to {action}; check the user name and password or token.", 401),
            403 => new CardDavException(CardDavError.Forbidden, $"The server at {where} forbade the request (403) to {action}; check that the account may access it.", 403),
            404 or 410 => new CardDavException(CardDavError.NotFound, $"The server at {where} has nothing there ({reply.Status}) to {action}; check the URL.", reply.Status),
            412 => new CardDavPreconditionFailedException(reply.RequestUri, $"The card at {where} changed on the server (412) before it could {action}; read it again and resolve."),
            405 or 501 => new CardDavException(CardDavError.NotSupported, $"The server at {where} does not support the request ({reply.Status}) to {action}.", reply.Status),
            >= 500 => new CardDavException(CardDavError.ServerError, $"The server at {where} failed ({reply.Status}) to {action}; try again later.", reply.Status),
            >= 200 and < 300 => new CardDavException(CardDavError.InvalidResponse, $"The server at {where} answered {reply.Status} ({reply.ContentType ?? "no content type"}) where WebDAV expects another answer to {action}.", reply.Status),
            _ => new CardDavException(CardDavError.Rejected, $"The server at {where} refused ({reply.Status}) to {action}.", reply.Status),
        };
    }

    public static Multistatus ExpectMultistatus(DavReply reply, string action) =>
        reply.Status == (int)HttpStatusCode.MultiStatus ? Multistatus.Parse(reply.Body, reply.RequestUri) : throw Failure(reply, action);

    public static bool IsPrecondition(DavReply reply, XName name) => reply.HasPrecondition(name);
}
