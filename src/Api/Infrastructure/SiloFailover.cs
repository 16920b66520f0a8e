using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// A grain call that meets a silo the cluster is losing fails with <see cref="SiloUnavailableException"/>
/// (or a rejected message, or a timeout) until membership moves the grain elsewhere; while silos join and leave,
/// placement can also fail for a moment (an <see cref="OrleansException"/>: no compatible silo known yet), and a
/// write can meet the state of an activation that took over (<see cref="InconsistentStateException"/>: nothing
/// was written). All of these are the runtime's, never a grain's own refusal. A read is safe to repeat, so it is
/// retried once after a short pause; anything else is answered 503 with Retry-After by <see cref="ProblemMapping"/>.
/// </summary>
public static class SiloFailover
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public static void UseSiloFailover(this WebApplication app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (IsSiloFailure(e) && IsSafe(context.Request.Method) && !context.Response.HasStarted)
        {
            await Task.Delay(RetryDelay, context.RequestAborted);
            await next(context);
        }
    });

    public static bool IsSiloFailure(Exception e) => e is OrleansException or TimeoutException
        || e.InnerException is { } inner && IsSiloFailure(inner);

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
}
