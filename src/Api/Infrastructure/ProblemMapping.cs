using System.Text;
using System.Text.Json;
using CrmActors.Grains.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

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
            BadHttpRequestException { StatusCode: 413 } => Create(413, ProblemCodes.PayloadTooLarge, "The request body is larger than this endpoint accepts."),
            BadHttpRequestException b => Create(b.StatusCode, ProblemCodes.MalformedBody, b.Message),
            JsonException j => Create(400, ProblemCodes.MalformedBody, $"The body is not valid JSON: {j.Message}"),
            DecoderFallbackException => Create(400, ProblemCodes.MalformedBody, "The body is not valid UTF-8; save the file as UTF-8 and send it again."),
            var e when SiloFailover.IsSiloFailure(e) => Create(503, ProblemCodes.Unavailable,
                "A node of the cluster stopped answering while this request was handled; the cluster is moving its work to the other nodes. Send the request again in a few seconds."),
            CsvHelper.CsvHelperException c => Create(400, ProblemCodes.MalformedBody, $"The CSV is malformed near row {c.Context?.Parser?.Row}: {c.Message.Split('\n')[0]}"),
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
