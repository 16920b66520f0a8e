using System.Text;
using System.Text.Json;
using CrmActors.Grains.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace CrmActors.Api.Infrastructure;

/// <summary>Turns refusals and bad input into RFC 9457 problems with a stable type; anything else is a 500.</summary>
public sealed class ProblemMapping(IProblemDetailsService problems) : IExceptionHandler
{
    public const string TypePrefix = "https://crmactors.dev/problems/";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ProblemException p => Create(p.Status, p.Code, p.Message, p.Extensions),
            BadHttpRequestException { StatusCode: 413 } or { InnerException: BadHttpRequestException { StatusCode: 413 } } =>
                Create(413, ProblemCodes.PayloadTooLarge, "The request body is larger than this endpoint accepts; send less (split the data into several requests)."),
            BadHttpRequestException { StatusCode: 415 } => Create(415, ProblemCodes.UnsupportedMediaType,
                "Send this body as JSON with the header 'Content-Type: application/json'."),
            BadHttpRequestException { InnerException: NullItemException n } => Create(400, ProblemCodes.Validation, n.Detail,
                new Dictionary<string, object?> { ["field"] = n.Field }),
            BadHttpRequestException { InnerException: JsonException j } => Json(j),
            // An empty body, or the JSON literal null, where the endpoint takes an object (the framework's sentence speaks to developers).
            BadHttpRequestException b when b.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) => Create(400, ProblemCodes.MalformedBody,
                "This request needs a JSON body: an object (not null), sent with 'Content-Type: application/json'. See /openapi/v1.json for its fields."),
            BadHttpRequestException b => Create(b.StatusCode, ProblemCodes.MalformedBody, b.Message),
            JsonException j => Json(j),
            DecoderFallbackException => Create(400, ProblemCodes.MalformedBody, "The body is not valid UTF-8; save the file as UTF-8 and send it again."),
            var e when SiloFailover.IsSiloFailure(e) => Create(503, ProblemCodes.Unavailable,
                "A node of the cluster stopped answering while this request was handled; the cluster is moving its work to the other nodes. Send the request again in a few seconds."),
            CsvHelper.CsvHelperException c => Create(400, ProblemCodes.MalformedBody, $"The CSV is malformed near data row {CsvCells.DataRow(c.Context)} (the header excluded): {c.Message.Split('\n')[0]}"),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == 503)
        {
            context.Response.Headers.RetryAfter = "2";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// A body that does not parse, or a value of the wrong JSON type (<c>"Email": 5</c> where a text is wanted):
    /// the sentence names the JSON path and where in the body, and the problem carries them as fields.
    /// </summary>
    private static ProblemDetails Json(JsonException j)
    {
        var reason = j.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd(' ', '|');
        var at = j.LineNumber is { } line ? $" at line {line + 1}, byte {j.BytePositionInLine + 1}" : "";
        var wrongType = reason.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        var path = string.IsNullOrEmpty(j.Path) ? "$" : j.Path;
        var extensions = new Dictionary<string, object?> { ["path"] = path, ["line"] = j.LineNumber + 1, ["position"] = j.BytePositionInLine + 1 };
        if (wrongType)
        {
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
            extensions["field"] = field;
            return Create(400, ProblemCodes.Validation,
                $"{field} has the wrong type{at} (JSON path {path}); send the type this field takes (text in quotes, a number, true/false, an array or an object).", extensions);
        }

        return Create(400, ProblemCodes.MalformedBody, $"The body is not valid JSON{at} (JSON path {path}): {reason} Fix the JSON and send it again.", extensions);
    }

    /// <summary>
    /// Every status the framework answers without a body (no route, wrong method, a refused content type...) gets
    /// the same problem shape with our code as the ones we raise.
    /// </summary>
    public static IApplicationBuilder UseProblemStatusPages(IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var http = context.HttpContext;
        var (code, detail) = http.Response.StatusCode switch
        {
            400 => (ProblemCodes.MalformedBody, "The request is malformed; check its parameters and body against the API description at /openapi/v1.json."),
            401 => (ProblemCodes.Unauthorized, CrmAuthentication.ChallengeDetail),
            403 => (ProblemCodes.Forbidden, "You may not do this."),
            404 => (ProblemCodes.NotFound, $"There is nothing at {http.Request.Path}; see /openapi/v1.json for the routes."),
            405 => ("method-not-allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}."),
            413 => (ProblemCodes.PayloadTooLarge, "The request body is larger than this endpoint accepts; send less."),
            415 => (ProblemCodes.UnsupportedMediaType, "Send this body as JSON with the header 'Content-Type: application/json'."),
            var other => (other >= 500 ? "server-error" : "request-refused", $"The request was answered with status {other}."),
        };
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(
            new ProblemDetailsContext { HttpContext = http, ProblemDetails = Create(http.Response.StatusCode, code, detail) });
    });

    public static ProblemDetails Create(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypePrefix + code,
            Title = code.Replace('-', ' '),
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
