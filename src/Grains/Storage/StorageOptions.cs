using Microsoft.Extensions.Configuration;

namespace CrmActors.Grains.Storage;

/// <summary>Where state lives (<c>Storage:*</c>, <c>ConnectionStrings:Crm</c>, <c>Blobs:Root</c>), read once at start.</summary>
public sealed record StorageOptions(StorageProvider Provider, string ConnectionString, string DataDirectory, string ResolvedBlobRoot)
{
    public static StorageOptions From(IConfiguration configuration)
    {
        var dataDirectory = configuration["Storage:DataDirectory"] ?? "./data";
        var provider = (configuration["Storage:Provider"] ?? "sqlite").ToLowerInvariant() switch
        {
            "sqlite" => StorageProvider.Sqlite,
            "postgres" or "postgresql" => StorageProvider.Postgres,
            var other => throw new InvalidOperationException($"Storage:Provider '{other}' is unknown; use 'sqlite' or 'postgres'."),
        };
        var connectionString = configuration.GetConnectionString("Crm") ?? (provider == StorageProvider.Sqlite
            ? $"Data Source={Path.Combine(dataDirectory, "crm.db")}"
            : throw new InvalidOperationException("Storage:Provider is postgres but ConnectionStrings:Crm is not set."));
        return new StorageOptions(provider, connectionString, dataDirectory, configuration["Blobs:Root"] ?? Path.Combine(dataDirectory, "blobs"));
    }
}
