namespace CrmActors.Grains.RecycleBin;

/// <summary>Settings under <c>RecycleBin</c>.</summary>
public sealed class RecycleBinOptions
{
    /// <summary>How long a deleted record stays in the bin before the daily purge deletes it for good (SPEC §0: 60 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(60);
}
