using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace CrmActors.Tests.Support;

/// <summary>
/// Delivers a reminder tick the way Orleans's reminder service does (a call of the grain's
/// <see cref="IRemindable.ReceiveReminder"/>), at a test clock's time: reminders run on real time,
/// so a test that moves its clock by days makes the due tick arrive itself. Real delivery is covered by
/// <c>ReminderDeliveryTests</c> and the cluster tests.
/// </summary>
public static class Reminders
{
    public static Task DeliverAsync(this IGrainFactory grains, IAddressable grain, string reminderName, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return grain.AsReference<IRemindable>().ReceiveReminder(reminderName, new TickStatus(now, TimeSpan.FromMinutes(1), now));
    }

    public static Task DeliverAsync<TGrain>(this CrmApplication app, string key, string reminderName) where TGrain : IGrainWithStringKey
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        return grains.DeliverAsync(grains.GetGrain<TGrain>(key), reminderName, app.Clock);
    }
}
