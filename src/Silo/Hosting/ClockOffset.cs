namespace CrmActors.Silo.Hosting;

/// <summary>
/// <c>Testing:ClockOffset</c> shifts the product's clock (schedules, deadlines, quotas; not Orleans's own
/// timers) by a fixed span, so a test or a demo can restart silos "a week later" and watch missed
/// occurrences caught up. Unset in any real deployment.
/// </summary>
public static class ClockOffset
{
    public static WebApplicationBuilder AddClockOffset(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<TimeSpan?>("Testing:ClockOffset") is { } offset && offset != TimeSpan.Zero)
        {
            builder.Services.AddSingleton<TimeProvider>(new Shifted(offset));

            // Orleans resolves each area's clock (membership, reminders, timers) as a keyed TimeProvider that falls
            // back to the unkeyed one; those keep real time, or silos would misjudge each other's liveness.
            builder.Services.AddKeyedSingleton(KeyedService.AnyKey, TimeProvider.System);
        }

        return builder;
    }

    private sealed class Shifted(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
