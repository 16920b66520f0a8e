using System.Runtime.CompilerServices;
using CrmActors.Grains.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// The sections of a <c>multipart/form-data</c> body. A body that breaks the format (no closing boundary, cut off
/// midway, a part header past the reader's limits) is the client's mistake: a 400 <c>malformed-body</c> saying so,
/// never a 500. Errors of the body's own limit (413) and of the server's side (the blob store) pass through unchanged.
/// </summary>
internal static class MultipartBody
{
    /// <summary>The boundary, when the request is <c>multipart/form-data</c> with one.</summary>
    public static string? Boundary(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var media) && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(media.Boundary).Value is { Length: > 0 } boundary
            ? boundary
            : null;

    public static async IAsyncEnumerable<MultipartSection> SectionsAsync(HttpRequest request, string boundary, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, request.Body);
        while (true)
        {
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(cancellationToken);
            }
            catch (Exception e) when (IsMalformed(e))
            {
                throw Malformed(e, boundary);
            }

            if (section is null)
            {
                yield break;
            }

            section.Body = new CheckedSectionStream(section.Body, boundary);
            yield return section;
        }
    }

    // The reader's IOException ("Unexpected end of Stream") and InvalidDataException (a header too long, too many
    // headers); Kestrel's own BadHttpRequestException (the body limit, a cut connection) is an IOException too and keeps its meaning.
    private static bool IsMalformed(Exception e) => e is InvalidDataException || (e is IOException && e is not BadHttpRequestException);

    private static ProblemException Malformed(Exception e, string boundary) => ProblemException.BadRequest(ProblemCodes.MalformedBody,
        $"The multipart body is malformed: {(e is InvalidDataException ? e.Message.TrimEnd('.') : "it ends before its closing boundary")}. Send every part "
        + $"between boundary lines '--{boundary}' and end the body with '--{boundary}--'; nothing was stored.");

    /// <summary>A part's body, whose read errors from the multipart format become the 400 above.</summary>
    private sealed class CheckedSectionStream(Stream inner, string boundary) : ReadThroughStream(inner)
    {
        public override int Read(Span<byte> buffer)
        {
            try
            {
                return Inner.Read(buffer);
            }
            catch (Exception e) when (IsMalformed(e))
            {
                throw Malformed(e, boundary);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await Inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (IsMalformed(e))
            {
                throw Malformed(e, boundary);
            }
        }
    }
}
