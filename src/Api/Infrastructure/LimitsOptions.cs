namespace CrmActors.Api.Infrastructure;

/// <summary>Request limits (<c>Limits:*</c>); every limit is a setting.</summary>
public sealed class LimitsOptions
{
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    public long MaxJsonBodyBytes { get; set; } = 10L * 1024 * 1024;

    public long MaxBulkBodyBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public int MaxBulkRows { get; set; } = 1_000_000;
}
