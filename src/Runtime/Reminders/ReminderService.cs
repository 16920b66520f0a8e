using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Silos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Runtime.Reminders;

/// <summary>
/// Polls for due reminders on every node. A claimed reminder is leased to this node; it is delivered
/// as a grain turn that also advances the reminder, so a delivered occurrence is never delivered
/// again, and one whose node died mid-delivery is re-delivered by another node after the lease.
/// </summary>
public sealed class ReminderService(
    ReminderTable table,
    GrainRuntime runtime,
    SiloIdentity silo,
    TimeProvider clock,
    IOptions<RuntimeOptions> options,
    ILogger<ReminderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await table.ClaimDueAsync(silo.Id, clock.GetUtcNow(), settings.ReminderLease, 20);
                foreach (var reminder in due)
                {
                    await DeliverAsync(reminder, stoppingToken);
                }

                if (due.Count == 20)
                {
                    continue;
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Claiming due reminders failed");
            }

            try
            {
                await Task.Delay(settings.ReminderPollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(ReminderEntry reminder, CancellationToken cancellationToken)
    {
        var grain = new GrainId(reminder.GrainType, reminder.GrainKey);
        try
        {
            var implementation = runtime.Types.ByName(reminder.GrainType);
            await runtime.InvokeAsync<object?>(
                grain,
                implementation,
                async instance =>
                {
                    if (instance is not IRemindable remindable)
                    {
                        throw new InvalidOperationException($"{implementation.Name} holds reminder '{reminder.Name}' but is not IRemindable.");
                    }

                    await remindable.ReceiveReminderAsync(reminder.Name, new TickStatus(reminder.NextDue, clock.GetUtcNow()));
                    return null;
                },
                readOnly: false,
                beforeCommit: turn => table.CompleteFiringAsync(turn, reminder),
                cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Reminder {Reminder} of {Grain} failed; it will be retried", reminder.Name, grain);
            await table.ReleaseAsync(reminder, clock.GetUtcNow() + options.Value.ReminderRetryDelay);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // This node is stopping and the turn rolled back: give the claim back now, or the reminder
            // would wait out the whole ReminderLease before another node could deliver it.
            try
            {
                await table.ReleaseAsync(reminder, clock.GetUtcNow());
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Could not hand back reminder {Reminder} of {Grain} while stopping", reminder.Name, grain);
            }
        }
    }
}
