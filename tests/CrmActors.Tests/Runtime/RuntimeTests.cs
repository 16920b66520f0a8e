using System.Text;
using CrmActors.Runtime.Blobs;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Storage;
using CrmActors.Runtime.TestHost;
using CrmActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Tests.Runtime;

/// <summary>The runtime's guarantees, run the same way on each storage provider.</summary>
public abstract class RuntimeTests(string provider) : IAsyncLifetime
{
    private RuntimeProvider _store = null!;
    private IHost _host = null!;

    protected IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _store = await RuntimeProvider.CreateAsync(provider);
        _host = TestSilo.Build(_store.Settings);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task StatePersistsAcrossHosts()
    {
        var key = Guid.NewGuid().ToString("N");
        await Grains.GetGrain<ICounterGrain>(key).IncrementAsync();
        await Grains.GetGrain<ICounterGrain>(key).IncrementAsync();

        using var second = TestSilo.Build(_store.Settings);
        await second.StartAsync();
        Assert.Equal(2, await second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(key).GetAsync());
        await second.StopAsync();
    }

    [Fact]
    public async Task ConcurrentCallsToOneGrainRunOneAtATime()
    {
        var key = Guid.NewGuid().ToString("N");
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => Grains.GetGrain<ICounterGrain>(key).IncrementAsync())));

        Assert.Equal(200, await Grains.GetGrain<ICounterGrain>(key).GetAsync());
        TurnAssert.NoOverlap(key, expectedTurns: 200);
    }

    [Fact]
    public async Task AFailedCallWritesNothing()
    {
        var key = Guid.NewGuid().ToString("N");
        await Grains.GetGrain<ICounterGrain>(key).IncrementAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.GetGrain<ICounterGrain>(key).IncrementThenFailAsync());

        Assert.Equal(1, await Grains.GetGrain<ICounterGrain>(key).GetAsync());
    }

    [Fact]
    public async Task AStaleWriteIsAConflictNotAnOverwrite()
    {
        var key = Guid.NewGuid().ToString("N");
        await Grains.GetGrain<ICounterGrain>(key).IncrementAsync();
        var database = _host.Services.GetRequiredService<IDatabase>();
        var grain = new GrainId(nameof(CounterGrain), key);

        await using var connection = await database.OpenAsync();
        var stored = (await GrainStateStore.ReadAsync(connection, grain))!;
        await Grains.GetGrain<ICounterGrain>(key).IncrementAsync();
        await using var transaction = await database.BeginWriteAsync(connection);

        await Assert.ThrowsAsync<GrainStateConflictException>(() =>
            GrainStateStore.WriteAsync(connection, transaction, grain, stored.Version, """{"value":99}""", 0));
        await transaction.RollbackAsync();
        Assert.Equal(2, await Grains.GetGrain<ICounterGrain>(key).GetAsync());
    }

    [Fact]
    public async Task AReminderFiresRepeatedlyAndStopsWhenUnregistered()
    {
        var ticker = Grains.GetGrain<ITickerGrain>(Guid.NewGuid().ToString("N"));
        await ticker.StartAsync(TimeSpan.FromMilliseconds(700));

        var firings = await Eventually.GetAsync(ticker.GetFiringsAsync, f => f.Count >= 3, TimeSpan.FromSeconds(20), "three firings");
        await ticker.StopAsync();
        var stoppedAt = (await ticker.GetFiringsAsync()).Count;
        await Task.Delay(1500);

        Assert.Equal(firings.Select(f => f.Occurrence).Distinct().Count(), firings.Count);
        Assert.Equal(stoppedAt, (await ticker.GetFiringsAsync()).Count);
    }

    [Fact]
    public async Task AJobRunsToCompletionAndPublishesItsOutput()
    {
        var jobs = _host.Services.GetRequiredService<JobStore>();
        var blobs = _host.Services.GetRequiredService<IBlobStore>();
        var id = await jobs.EnqueueAsync(CountingJob.JobKind, "k", new CountingJob.Payload(5, 10, "out/five.txt"));

        var job = await Eventually.GetAsync(() => jobs.GetAsync(id), j => j!.Status == JobStatus.Completed, TimeSpan.FromSeconds(20), "the job to complete");

        Assert.Equal(1, job!.Attempts);
        using var reader = new StreamReader(blobs.OpenRead("out/five.txt"));
        Assert.Equal("1\n2\n3\n4\n5\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task ABlobIsInvisibleUntilCommittedAndPathsCannotEscapeTheRoot()
    {
        var blobs = _host.Services.GetRequiredService<IBlobStore>();
        await using (var writer = blobs.Create("a/b.txt"))
        {
            await writer.Stream.WriteAsync(Encoding.UTF8.GetBytes("half"));
            Assert.False(blobs.Exists("a/b.txt"));
        }

        Assert.False(blobs.Exists("a/b.txt"));
        Assert.Throws<ArgumentException>(() => blobs.Create("../escape.txt"));
        Assert.Throws<ArgumentException>(() => blobs.OpenRead("a/../../etc/passwd"));
    }
}

public sealed class SqliteRuntimeTests() : RuntimeTests("sqlite");

public sealed class PostgresRuntimeTests() : RuntimeTests("postgres");
