using System.Globalization;
using System.Text;
using CrmActors.Grains.Common;
using CsvHelper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace CrmActors.Api.Infrastructure;

/// <summary>A list sent as a CSV file when the client asks for <c>text/csv</c>: UTF-8 with BOM, streamed row by row, every cell neutralized against formula injection.</summary>
public static class CsvDownload
{
    /// <summary>OpenAPI: 200 answers <typeparamref name="T"/> as JSON, or a CSV file (a string) to a client that asks for text/csv.</summary>
    public static RouteHandlerBuilder ProducesJsonOrCsv<T>(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<T>(200, "application/json", "text/csv").AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?["200"].Content?.TryGetValue("text/csv", out var csv) == true)
            {
                csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
            }

            return Task.CompletedTask;
        });

    public static bool Wanted(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);

    public static async Task<IResult> WriteAsync(HttpContext http, string fileName, IReadOnlyList<string> header, IAsyncEnumerable<IReadOnlyList<string?>> rows)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        await csv.NextRecordAsync();
        await foreach (var row in rows.WithCancellation(http.RequestAborted))
        {
            foreach (var cell in row)
            {
                csv.WriteField(CsvCells.Neutralize(cell));
            }

            await csv.NextRecordAsync();
        }

        return TypedResults.Empty;
    }
}
