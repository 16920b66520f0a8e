using CrmActors.Grains.Common;
using CrmActors.Grains.Runs;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.GrainTests;

/// <summary>The run grain: once per request, retried then failed for good, fenced by attempt, resumed from its checkpoint.</summary>
[Collection(GrainCollection.Name)]
public sealed class RunGrainTests(GrainCluster silo)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StartingARunTwiceRunsItOnceAndKeepsItsResult()
    {
        var request = Request(ProbeRuns.Ok, new ProbeRuns.Payload("hello"));
        var run = silo.Grains.Grain<IRunGrain>(request.RunId);
        await run.StartAsync(request);
        await run.StartAsync(request);

        var status = await Eventually.GetAsync(run.GetAsync, s => !RunStatuses.IsActive(s.Status), Patience, "the run to end");
        Assert.Equal((RunStatuses.Completed, 1, "\"hello\"", 1.0), (status.Status, status.Attempts, status.Result, status.Progress));
        Assert.Equal(1, ProbeRuns.Attempts[request.RunId]);
        await run.StartAsync(request);
        Assert.Equal(1, ProbeRuns.Attempts[request.RunId]);
    }

    [Fact]
    public async Task AFailingRunIsRetriedThenFailsForGoodOnce()
    {
        var request = Request(ProbeRuns.Fail, new ProbeRuns.Payload("x"));
        var run = silo.Grains.Grain<IRunGrain>(request.RunId);
        await run.StartAsync(request);

        var status = await Eventually.GetAsync(run.GetAsync, s => !RunStatuses.IsActive(s.Status), Patience, "the run to fail");
        Assert.Equal((RunStatuses.Failed, 2), (status.Status, status.Attempts));
        Assert.Contains("failed on purpose", status.Error);
        Assert.Equal(2, ProbeRuns.Attempts[request.RunId]);
        Assert.Contains("failed on purpose", ProbeRuns.Failures[request.RunId]);
    }

    [Fact]
    public async Task ASupersededAttemptCanNeitherCheckpointNorPassItsFence()
    {
        var request = Request(ProbeRuns.Resume, new ProbeRuns.Payload("x"));
        var run = silo.Grains.Grain<IRunGrain>(request.RunId);
        await run.StartAsync(request);
        await ProbeRuns.Checkpointed.GetOrAdd(request.RunId, _ => new()).Task.WaitAsync(Patience);

        await Assert.ThrowsAsync<RunSupersededException>(() => run.SaveCheckpointAsync(attempt: 7, "{}", 0.9));
        var table = (RunTable)silo.Services.GetService(typeof(RunTable))!;
        await using (var connection = await silo.OpenDatabaseAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            Assert.True(await table.HoldsAsync(connection, transaction, request.RunId, 1));
            Assert.False(await table.HoldsAsync(connection, transaction, request.RunId, 0));
        }

        // An attempt older than the owner's cannot claim the run back.
        Assert.False(await table.ClaimAsync(request.RunId, 0));
    }

    [Fact]
    public async Task ARunWhoseActivationStopsResumesFromItsCheckpoint()
    {
        var request = Request(ProbeRuns.Resume, new ProbeRuns.Payload("x"));
        var run = silo.Grains.Grain<IRunGrain>(request.RunId);
        await run.StartAsync(request);
        await ProbeRuns.Checkpointed.GetOrAdd(request.RunId, _ => new()).Task.WaitAsync(Patience);

        // The activation goes away mid-run, as when its silo stops; the resume reminder brings the run back.
        await silo.Cluster.DeactivateAsync(run);
        var status = await Eventually.GetAsync(run.GetAsync, s => !RunStatuses.IsActive(s.Status), Patience, "the run to resume and end");
        Assert.Equal((RunStatuses.Completed, "\"resumed\""), (status.Status, status.Result));
        Assert.Equal(2, status.Attempts);
        Assert.Equal(2, ProbeRuns.Attempts[request.RunId]);
    }

    [Fact]
    public async Task StopsInOrderDoNotCountAsAttemptsButSilosDyingUnderARunFailItForGood()
    {
        // Three orderly stops, against a limit of two attempts: the run still ends.
        var stopped = Request(ProbeRuns.Stops, new ProbeRuns.Payload("x"));
        var run = silo.Grains.Grain<IRunGrain>(stopped.RunId);
        await run.StartAsync(stopped);
        for (var stop = 1; stop <= 3; stop++)
        {
            await Eventually.GetAsync(() => Task.FromResult(ProbeRuns.Waiting.GetValueOrDefault(stopped.RunId)), n => n == stop, Patience, $"attempt {stop} to wait");
            await silo.Cluster.DeactivateAsync(run);
        }

        var status = await Eventually.GetAsync(run.GetAsync, s => !RunStatuses.IsActive(s.Status), Patience, "the run to end");
        Assert.Equal((RunStatuses.Completed, "\"stopped three times\"", 4), (status.Status, status.Result, status.Attempts));

        // An attempt that ignores the stop is one whose silo died: after two, the run fails for good instead of taking a third silo down.
        var hung = Request(ProbeRuns.Hang, new ProbeRuns.Payload("x"));
        run = silo.Grains.Grain<IRunGrain>(hung.RunId);
        try
        {
            await run.StartAsync(hung);
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                await Eventually.GetAsync(() => Task.FromResult(ProbeRuns.Waiting.GetValueOrDefault(hung.RunId)), n => n == attempt, Patience, $"attempt {attempt} to hang");
                await silo.Cluster.DeactivateAsync(run);
            }

            status = await Eventually.GetAsync(run.GetAsync, s => !RunStatuses.IsActive(s.Status), Patience, "the run to fail");
            Assert.Equal(RunStatuses.Failed, status.Status);
            Assert.Contains("used its 2 attempts; the last one's silo died under it", status.Error);
            Assert.Equal(2, ProbeRuns.Attempts[hung.RunId]);
            Assert.Contains("silo died under it", ProbeRuns.Failures[hung.RunId]);
        }
        finally
        {
            ProbeRuns.Released.TrySetResult();
        }
    }

    private RunRequest Request(string kind, object payload) =>
        new(Guid.NewGuid().ToString("N"), kind, "probe-owner", System.Text.Json.JsonSerializer.Serialize(payload, System.Text.Json.JsonSerializerOptions.Web), silo.Clock.GetUtcNow());
}
