using CrmActors.Grains.Common;

namespace CrmActors.Silo;

public static class OperatorKey
{
    /// <summary>
    /// The operator key comes from <c>Operator:Key</c>. In Development a missing key is generated and
    /// printed, so one command starts a usable node; in Production a missing key stops the start.
    /// </summary>
    public static WebApplicationBuilder AddOperatorKey(this WebApplicationBuilder builder)
    {
        if (!string.IsNullOrEmpty(builder.Configuration["Operator:Key"]))
        {
            return builder;
        }

        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException("Operator:Key (environment Operator__Key) is required outside Development.");
        }

        var key = Ids.NewSecret();
        builder.Configuration["Operator:Key"] = key;
        Console.WriteLine($"Operator key (development, generated): {key}");
        return builder;
    }
}
