using System.Net;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Reliability;

/// <summary>
/// What a request answers when the cluster fails it: the product's failover middleware and problem mapping, in a host
/// whose one endpoint throws what a grain call throws while silos leave and join.
/// </summary>
public sealed class SiloFailoverTests
{
    public static TheoryData<string> RuntimeFailures => ["unavailable", "placement", "inconsistent", "timeout", "wrapped"];

    [Theory]
    [MemberData(nameof(RuntimeFailures))]
    public async Task ARuntimeFailureIsRetriedOnceForAReadAndOtherwiseAnswered503WithRetryAfter(string failure)
    {
        await using var host = await FailingHostAsync(failure);
        var read = await host.Client.GetAsync("/fail");
        var problem = await read.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, ProblemCodes.Unavailable);
        Assert.Contains("Send the request again", problem.GetProperty("detail").GetString());
        Assert.Equal("2", read.Headers.RetryAfter?.ToString());
        Assert.Equal(2, host.Calls);

        var write = await host.Client.PostAsync("/fail", null);
        await write.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, ProblemCodes.Unavailable);
        Assert.Equal(3, host.Calls);
    }

    [Fact]
    public async Task AReadThatSucceedsOnItsRetryAnswersItsResult()
    {
        await using var host = await FailingHostAsync("unavailable", failures: 1);
        var read = await host.Client.GetAsync("/fail");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("ok", await read.Content.ReadAsStringAsync());
        Assert.Equal(2, host.Calls);
    }

    [Fact]
    public async Task AGrainsOwnRefusalIsNotRetriedAndABugIsStillA500()
    {
        await using var refused = await FailingHostAsync("refused");
        await (await refused.Client.GetAsync("/fail")).AssertProblemAsync(HttpStatusCode.Conflict, ProblemCodes.Conflict);
        Assert.Equal(1, refused.Calls);

        await using var bug = await FailingHostAsync("bug");
        Assert.Equal(HttpStatusCode.InternalServerError, (await bug.Client.GetAsync("/fail")).StatusCode);
        Assert.Equal(1, bug.Calls);
    }

    private static Exception Failure(string failure) => failure switch
    {
        "unavailable" => new SiloUnavailableException(),
        "placement" => new OrleansException("No active nodes are compatible with grain backupschedule and interface IBackupScheduleGrain version 0."),
        "inconsistent" => new InconsistentStateException("Version conflict (WriteState): the stored version is 7, the grain's 6."),
        "timeout" => new TimeoutException("Response did not arrive on time in 00:00:30."),
        "wrapped" => new AggregateException(new SiloUnavailableException()),
        "refused" => new ProblemException(409, ProblemCodes.Conflict, "Another admin changed this; reload and try again."),
        _ => new InvalidOperationException("A bug."),
    };

    private static async Task<FailingHost> FailingHostAsync(string failure, int failures = int.MaxValue)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemMapping>();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseSiloFailover();
        var host = new FailingHost(app);
        app.MapMethods("/fail", ["GET", "POST"], () => Interlocked.Increment(ref host.Calls) <= failures ? throw Failure(failure) : "ok");
        await app.StartAsync();
        host.Client = app.GetTestClient();
        return host;
    }

    private sealed class FailingHost(WebApplication app) : IAsyncDisposable
    {
        public int Calls;

        public HttpClient Client { get; set; } = null!;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
