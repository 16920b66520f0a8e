using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Backups;

/// <summary>
/// The quota rules. A plan includes backups per calendar month (free 0, ultimate 4, other paid plans 2).
/// A twice-a-month schedule reserves 2 of them and a monthly one 1; the rest serve immediate backups.
/// Weekly backups are covered by the weekly subscription. Past the included ones a purchased one-time
/// add-on is used; with none left the backup is refused.
/// </summary>
public static class BackupQuota
{
    public static int IncludedPerMonth(BackupOptions options, string plan) => Math.Max(0, options.IncludedPerMonth.GetValueOrDefault(plan));

    public static int Reserved(BackupSettings? schedule, int included) => schedule?.Frequency switch
    {
        BackupFrequencies.TwiceAMonth => Math.Min(2, included),
        BackupFrequencies.Monthly => Math.Min(1, included),
        _ => 0,
    };

    /// <summary>Included backups an immediate request may still use this month.</summary>
    public static int ImmediatePool(int included, int reserved, MonthUsage usage) =>
        Math.Max(0, included - Math.Max(reserved, usage.Scheduled) - usage.Immediate);

    /// <summary>Where an immediate backup's quota comes from, or null when none is left.</summary>
    public static string? SourceForImmediate(BackupScheduleState state, int included, MonthUsage usage) =>
        ImmediatePool(included, Reserved(state.Schedule, included), usage) > 0 ? QuotaSources.Included
        : state.OneTimeAddOns > 0 ? QuotaSources.AddOn
        : null;

    /// <summary>Where a scheduled occurrence's quota comes from: its reserve first, then the month's unused included ones, then an add-on.</summary>
    public static string? SourceForScheduled(BackupScheduleState state, int included, MonthUsage usage) =>
        state.Schedule?.Frequency == BackupFrequencies.Weekly ? (state.WeeklySubscription ? QuotaSources.Subscription : null)
        : usage.Scheduled < Reserved(state.Schedule, included) || usage.Total < included ? QuotaSources.Included
        : state.OneTimeAddOns > 0 ? QuotaSources.AddOn
        : null;

    /// <summary>The state after taking one backup from <paramref name="source"/> in <paramref name="month"/>.</summary>
    public static BackupScheduleState Consume(BackupScheduleState state, string month, string source, bool scheduled) => source switch
    {
        QuotaSources.Included => state with
        {
            Usage = state.Usage.SetItem(month, scheduled
                ? state.UsageIn(month) with { Scheduled = state.UsageIn(month).Scheduled + 1 }
                : state.UsageIn(month) with { Immediate = state.UsageIn(month).Immediate + 1 }),
        },
        QuotaSources.AddOn => state with { OneTimeAddOns = state.OneTimeAddOns - 1 },
        _ => state,
    };

    /// <summary>Gives back the quota of a backup that failed, so a failure costs nothing.</summary>
    public static BackupScheduleState Refund(BackupScheduleState state, BackupEntry backup) => backup.QuotaSource switch
    {
        QuotaSources.Included => state with
        {
            Usage = state.Usage.SetItem(backup.Month, backup.Trigger == BackupTriggers.Scheduled
                ? state.UsageIn(backup.Month) with { Scheduled = Math.Max(0, state.UsageIn(backup.Month).Scheduled - 1) }
                : state.UsageIn(backup.Month) with { Immediate = Math.Max(0, state.UsageIn(backup.Month).Immediate - 1) }),
        },
        QuotaSources.AddOn => state with { OneTimeAddOns = state.OneTimeAddOns + 1 },
        _ => state,
    };

    /// <summary>Backups still available for <paramref name="month"/> to a schedule: unused included ones plus add-ons.</summary>
    public static int AvailableForSchedule(BackupScheduleState state, int included, string month) =>
        Math.Max(0, included - state.UsageIn(month).Total) + state.OneTimeAddOns;
}

public static class BackupTriggers
{
    public const string Scheduled = "scheduled";
    public const string Immediate = "immediate";
}
