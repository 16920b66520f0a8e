using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmActors.Api.Infrastructure;

/// <summary>A per-endpoint request body limit; endpoints without one get <see cref="LimitsOptions.MaxJsonBodyBytes"/>.</summary>
public sealed record BodyLimit(Func<LimitsOptions, long> Bytes)
{
    public static TBuilder WithBodyLimit<TBuilder>(TBuilder builder, Func<LimitsOptions, long> bytes) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new BodyLimit(bytes));
        return builder;
    }

    /// <summary>Sets the server's body limit for the matched endpoint before anything reads the body.</summary>
    public static IApplicationBuilder UseBodyLimits(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>();
            feature.MaxRequestBodySize = limit?.Bytes(limits) ?? limits.MaxJsonBodyBytes;
        }

        await next(context);
    });
}
