using System.Collections.Concurrent;
using CrmActors.Grains.Runs;

namespace CrmActors.Tests.GrainTests;

/// <summary>
/// Run kinds for the run grain's tests: <c>probe.ok</c> checkpoints and returns its payload,
/// <c>probe.fail</c> always throws, <c>probe.resume</c> checkpoints once and then waits to be
/// stopped (its silo "dies"), finishing only on an attempt that starts from that checkpoint;
/// <c>probe.stops</c> waits to be stopped until it has been stopped three times (an orderly shutdown
/// each time); <c>probe.hang</c> never ends and ignores being stopped, as an attempt whose silo died.
/// </summary>
public static class ProbeRuns
{
    public const string Ok = "probe.ok";
    public const string Fail = "probe.fail";
    public const string Resume = "probe.resume";
    public const string Stops = "probe.stops";
    public const string Hang = "probe.hang";

    public static readonly string[] Kinds = [Ok, Fail, Resume, Stops, Hang];

    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    public static ConcurrentDictionary<string, string> Failures { get; } = new();

    public static ConcurrentDictionary<string, TaskCompletionSource> Checkpointed { get; } = new();

    /// <summary>Attempts of <c>probe.stops</c> and <c>probe.hang</c> runs that reached their wait, by run.</summary>
    public static ConcurrentDictionary<string, int> Waiting { get; } = new();

    /// <summary>The attempts of <c>probe.hang</c> runs wait on this; a test sets it when it is done with them.</summary>
    public static TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record Payload(string Value);

    public sealed record Step(int Done);

    public sealed class Handler(string kind) : IRunHandler
    {
        public string Kind => kind;

        public async Task<string?> RunAsync(RunContext context)
        {
            Attempts.AddOrUpdate(context.RunId, 1, (_, n) => n + 1);
            switch (context.Request.Kind)
            {
                case Ok:
                    await context.SaveCheckpointAsync(new Step(1), 0.5);
                    return $"\"{context.Payload<Payload>().Value}\"";
                case Resume when context.Checkpoint<Step>() is { Done: 1 }:
                    return "\"resumed\"";
                case Resume:
                    await context.SaveCheckpointAsync(new Step(1), 0.5);
                    Checkpointed.GetOrAdd(context.RunId, _ => new()).TrySetResult();
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    return null;
                case Stops when context.Checkpoint<Step>() is { Done: >= 3 }:
                    return "\"stopped three times\"";
                case Stops:
                    await context.SaveCheckpointAsync(new Step((context.Checkpoint<Step>()?.Done ?? 0) + 1), 0.5);
                    Waiting.AddOrUpdate(context.RunId, 1, (_, n) => n + 1);
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    return null;
                case Hang:
                    Waiting.AddOrUpdate(context.RunId, 1, (_, n) => n + 1);
                    await Released.Task;
                    return null;
                default:
                    throw new InvalidOperationException("the probe failed on purpose");
            }
        }

        public Task OnFailedAsync(RunContext context, string error)
        {
            Failures[context.RunId] = error;
            return Task.CompletedTask;
        }
    }
}
