using CrmActors.Runtime.Blobs;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Silos;
using CrmActors.Runtime.Storage;
using CrmActors.Runtime.TestHost;
using CrmActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Tests.Runtime;

/// <summary>Several hosts on one PostgreSQL database: turns, reminders and jobs across the cluster.</summary>
public sealed class PostgresClusterRuntimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<IHost> _hosts = [];
    private readonly TempDirectory _blobs = new();
    private RuntimeProvider _store = null!;

    public async Task InitializeAsync()
    {
        _store = await RuntimeProvider.CreateAsync("postgres");
        _store.Settings["Blobs:Root"] = _blobs.Path;
        _store.Settings["Runtime:JobLease"] = "00:00:03";
    }

    public async Task DisposeAsync()
    {
        await StopAsync([.. _hosts]);
        await _store.DisposeAsync();
        _blobs.Dispose();
    }

    [Fact]
    public async Task ConcurrentCallsThroughTwoHostsToOneGrainRunOneAtATime()
    {
        var hosts = await StartHostsAsync(2);
        var key = Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => Grains(hosts[i % 2]).GetGrain<ICounterGrain>(key).IncrementAsync())));

        Assert.Equal(Enumerable.Range(1, 200), results.Order());
        Assert.Equal(200, await Grains(hosts[0]).GetGrain<ICounterGrain>(key).GetAsync());
        Assert.Equal(200, await Grains(hosts[1]).GetGrain<ICounterGrain>(key).GetAsync());
        TurnAssert.NoOverlap(key, expectedTurns: 200);
    }

    [Fact]
    public async Task AReminderFiresOncePerOccurrenceAcrossHostsAndOnceForOccurrencesMissedWhileAllWereDown()
    {
        var key = Guid.NewGuid().ToString("N");
        var hosts = await StartHostsAsync(3);
        await Grains(hosts[0]).GetGrain<ITickerGrain>(key).StartAsync(Period);
        var whileThreeRan = await FiringsAsync(hosts[1], key, f => f.Count >= 4);
        AssertOnePeriodApart(whileThreeRan);

        await StopAsync(hosts);
        hosts = await StartHostsAsync(1);
        var afterRestart = await FiringsAsync(hosts[0], key, f => f.Count >= whileThreeRan.Count + 2);

        await StopAsync(hosts);
        var downSince = DateTimeOffset.UtcNow;
        await Task.Delay(Period * 2.5); // down across at least two occurrences
        var restartedAt = DateTimeOffset.UtcNow;
        hosts = await StartHostsAsync(1);
        var firings = await FiringsAsync(hosts[0], key, all => all.Count(f => f.FiredAt > downSince) >= 3);

        Assert.Equal(firings.Count, firings.Select(f => f.Occurrence).Distinct().Count());
        Assert.Equal(afterRestart, firings.Take(afterRestart.Count));
        Assert.All(firings.Zip(firings.Skip(1)), pair => Assert.True(
            pair.Second.Occurrence > pair.First.Occurrence && (pair.Second.Occurrence - pair.First.Occurrence).Ticks % Period.Ticks == 0,
            $"{pair.First} then {pair.Second} is not a whole number of periods later"));

        var lastBeforeDown = firings.Last(f => f.FiredAt <= downSince);
        var afterDown = firings.Where(f => f.FiredAt > downSince).ToList();
        var catchUp = Assert.Single(afterDown, f => f.Occurrence <= restartedAt);
        Assert.Equal(lastBeforeDown.Occurrence + Period, catchUp.Occurrence);
        Assert.Equal(catchUp, afterDown[0]);
        Assert.True(afterDown[1].Occurrence > restartedAt);
        AssertOnePeriodApart(afterDown.Skip(1).ToList());
    }

    [Fact]
    public async Task AJobWhoseHostIsKilledIsCompletedByAnotherHost()
    {
        var storage = new StorageOptions { Provider = "postgres", ConnectionString = _store.Settings["ConnectionStrings:Crm"] };
        await using var database = (PostgresDatabase)RuntimeHostingExtensions.CreateDatabase(storage);
        var jobs = new JobStore(database, TimeProvider.System);
        var blobs = new FileSystemBlobStore(_blobs.Path);

        await using var child = await TestHostProcess.StartAsync(_store.Settings, Patience);
        var id = await jobs.EnqueueAsync(CountingJob.JobKind, "k", new CountingJob.Payload(30, 100, "out/counted.txt"));
        var taken = await Eventually.GetAsync(() => jobs.GetAsync(id), j => j!.Owner is not null && j.Progress > 0, Patience, "the child to run the job");
        child.Kill();

        var abandoned = (await jobs.GetAsync(id))!;
        Assert.Equal((JobStatus.Running, taken!.Owner), (abandoned.Status, abandoned.Owner));
        Assert.True(abandoned.Progress < 1, "the job was killed midway");

        var host = (await StartHostsAsync(1))[0];
        var job = await Eventually.GetAsync(() => jobs.GetAsync(id), j => j!.Status != JobStatus.Running, Patience, "another host to finish the job");

        Assert.Equal((JobStatus.Completed, host.Services.GetRequiredService<SiloIdentity>().Id, 2), (job!.Status, job.Owner, job.Attempts));
        using var reader = new StreamReader(blobs.OpenRead("out/counted.txt"));
        Assert.Equal(string.Concat(Enumerable.Range(1, 30).Select(n => $"{n}\n")), await reader.ReadToEndAsync());
        Assert.Empty(blobs.List("work"));
    }

    private static IGrainFactory Grains(IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    private static Task<List<Firing>> FiringsAsync(IHost host, string key, Func<List<Firing>, bool> condition) =>
        Eventually.GetAsync(async () => (await Grains(host).GetGrain<ITickerGrain>(key).GetFiringsAsync()).ToList(), condition, Patience, "reminder firings");

    private static void AssertOnePeriodApart(List<Firing> firings)
    {
        for (var i = 1; i < firings.Count; i++)
        {
            Assert.Equal(Period, firings[i].Occurrence - firings[i - 1].Occurrence);
        }
    }

    private async Task<List<IHost>> StartHostsAsync(int count)
    {
        var hosts = new List<IHost>();
        for (var i = 0; i < count; i++)
        {
            var host = TestSilo.Build(_store.Settings);
            _hosts.Add(host);
            await host.StartAsync();
            hosts.Add(host);
        }

        return hosts;
    }

    private async Task StopAsync(List<IHost> hosts)
    {
        foreach (var host in hosts)
        {
            _hosts.Remove(host);
            await host.StopAsync();
            host.Dispose();
        }
    }
}
