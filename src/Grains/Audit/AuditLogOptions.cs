namespace CrmActors.Grains.Audit;

/// <summary>Settings under <c>AuditLog</c>.</summary>
public sealed class AuditLogOptions
{
    /// <summary>How long an entry is kept; the daily purge deletes older ones (SPEC §0: 60 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(60);
}
