using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.GrainTests;

/// <summary>The backup schedule grain: one run per occurrence, a missed occurrence caught up once, busy refusals.</summary>
[Collection(GrainCollection.Name)]
public sealed class BackupScheduleGrainTests(GrainCluster silo)
{
    [Fact]
    public async Task AWeeklyScheduleStartsOneBackupPerOccurrenceHoweverOftenItTicks()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IBackupScheduleGrain>(orgId);
        await grain.PurchaseAsync(PurchaseKinds.Weekly, 1, admin.Id);
        var summary = await grain.SetScheduleAsync(new ScheduleRequest("weekly", "monday", null, null, "03:00"), admin.Id);
        var due = summary.NextBackupAt!.Value;

        await TickAsync(orgId);
        Assert.Empty(await grain.GetBackupsAsync());

        MoveClockPast(due);
        await TickAsync(orgId);
        await TickAsync(orgId);
        var backups = await grain.GetBackupsAsync();
        Assert.Equal(BackupTriggers.Scheduled, Assert.Single(backups).Trigger);
        Assert.Equal(due.AddDays(7), (await grain.GetSummaryAsync()).NextBackupAt);
    }

    [Fact]
    public async Task OccurrencesMissedWhileNoSiloRanAreCaughtUpOnceWhenTheGrainActivates()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IBackupScheduleGrain>(orgId);
        await grain.PurchaseAsync(PurchaseKinds.Weekly, 1, admin.Id);
        var due = (await grain.SetScheduleAsync(new ScheduleRequest("weekly", "friday", null, null, "22:00"), admin.Id)).NextBackupAt!.Value;

        // Two occurrences pass while the grain is not active anywhere.
        await silo.Cluster.DeactivateAsync(grain);
        MoveClockPast(due.AddDays(7));
        var summary = await grain.GetSummaryAsync();
        Assert.Single(await grain.GetBackupsAsync());
        Assert.True(summary.NextBackupAt > silo.Clock.GetUtcNow());
        await TickAsync(orgId);
        Assert.Single(await grain.GetBackupsAsync());
    }

    [Fact]
    public async Task StoppingIsRefusedWhileABackupIsActive()
    {
        // An empty org's backup can end before the next call; each attempt whose stop is allowed must then find it
        // ended, and one of them must catch it active and be refused.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains);
            var grain = silo.Grains.Grain<IBackupScheduleGrain>(orgId);
            var summary = await grain.SetScheduleAsync(new ScheduleRequest("now", null, null, null, null), admin.Id);
            Assert.NotNull(summary.LatestBackupId);

            try
            {
                await grain.StopScheduleAsync(admin.Id);
            }
            catch (ProblemException busy)
            {
                Assert.Equal((409, ProblemCodes.BackupBusy), (busy.Status, busy.Code));
                try
                {
                    await grain.SetScheduleAsync(new ScheduleRequest("now", null, null, null, null), admin.Id);
                    Assert.True((await grain.GetBackupAsync(summary.LatestBackupId!))?.Status is BackupStatuses.Ready or BackupStatuses.Failed, "a second backup began beside an active one");
                }
                catch (ProblemException twice)
                {
                    Assert.Equal(ProblemCodes.BackupBusy, twice.Code);
                }

                return;
            }

            var backup = await grain.GetBackupAsync(summary.LatestBackupId!);
            Assert.True(backup?.Status is BackupStatuses.Ready or BackupStatuses.Failed, $"the schedule stopped while its backup was {backup?.Status}");
        }

        Assert.Fail("Every backup ended before the stop was asked; none was caught active.");
    }

    private Task TickAsync(string orgId) =>
        silo.Grains.DeliverAsync(silo.Grains.Grain<IBackupScheduleGrain>(orgId), BackupConstants.ScheduleReminder, silo.Clock);

    private void MoveClockPast(DateTimeOffset moment)
    {
        var now = silo.Clock.GetUtcNow();
        if (moment >= now)
        {
            silo.Clock.Advance(moment - now + TimeSpan.FromMinutes(1));
        }
    }
}
