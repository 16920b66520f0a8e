namespace CrmActors.Grains.RecycleBin;

/// <summary>A deleted record (with <see cref="RecordCount"/> records in all, counting its dependents) awaiting restore or purge.</summary>
public sealed record RecycleBinEntry(
    string BatchId, string RecordId, string Module, string? DisplayName, int RecordCount, DateTimeOffset DeletedAt, string DeletedBy, DateTimeOffset PurgeAt);
