using System.Text;
using CrmActors.Runtime.Blobs;
using CrmActors.Runtime.Jobs;

namespace CrmActors.Runtime.TestHost;

/// <summary>
/// Writes the numbers 1..Count, one step at a time with a checkpoint after each, then publishes them
/// as one blob. Killed midway and resumed elsewhere, its output still holds each number once.
/// </summary>
public sealed class CountingJob(IBlobStore blobs) : IJobHandler
{
    public const string JobKind = "test.count";

    public sealed record Payload(int Count, int DelayMilliseconds, string Output);

    public sealed record Checkpoint(int Next);

    public string Kind => JobKind;

    public async Task<string?> RunAsync(JobContext context)
    {
        var payload = context.Payload<Payload>();
        var parts = $"work/{context.Job.Id}";
        for (var n = context.Checkpoint<Checkpoint>()?.Next ?? 1; n <= payload.Count; n++)
        {
            await Task.Delay(payload.DelayMilliseconds, context.CancellationToken);
            await using (var part = blobs.Create($"{parts}/{n:D6}"))
            {
                await part.Stream.WriteAsync(Encoding.UTF8.GetBytes($"{n}\n"));
                await part.CommitAsync();
            }

            await context.SaveCheckpointAsync(new Checkpoint(n + 1), (double)n / payload.Count);
        }

        await using (var output = blobs.Create(payload.Output))
        {
            foreach (var part in blobs.List(parts).Order(StringComparer.Ordinal))
            {
                await using var input = blobs.OpenRead(part);
                await input.CopyToAsync(output.Stream);
            }

            await output.CommitAsync();
        }

        blobs.DeleteFolder(parts);
        return $"{{\"count\":{payload.Count}}}";
    }

    public Task OnFailedAsync(JobRecord job, string error) => Task.CompletedTask;
}
