using CrmActors.Grains.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// A per-endpoint request body limit; endpoints without one get <see cref="LimitsOptions.MaxJsonBodyBytes"/>.
/// Every endpoint that takes a file declares its own (bulk insert, attachments) or bounds its body itself (restore and migration uploads).
/// </summary>
public sealed record BodyLimit(Func<LimitsOptions, long> Bytes)
{
    public static TBuilder WithBodyLimit<TBuilder>(TBuilder builder, Func<LimitsOptions, long> bytes) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new BodyLimit(bytes));
        return builder;
    }

    /// <summary>
    /// For an endpoint that bounds its body itself while it streams it, with a refusal that names its own setting
    /// (migration and restore uploads): no limit here, so theirs is the one that answers.
    /// </summary>
    public static TBuilder BoundedByItself<TBuilder>(TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new BodyLimit(_ => long.MaxValue));
        return builder;
    }

    /// <summary>
    /// Applies the matched endpoint's limit before anything reads the body: a declared length over it is refused at
    /// once, and the body stream itself stops at the limit (whatever server hosts the app, Kestrel or another).
    /// </summary>
    public static IApplicationBuilder UseBodyLimits(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Bytes(limits) ?? limits.MaxJsonBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        context.Request.Body = new LimitedReadStream(context.Request.Body, limit, () => TooLarge(limit));
        await next(context);
    });

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes, this endpoint's limit.", StatusCodes.Status413PayloadTooLarge);
}
