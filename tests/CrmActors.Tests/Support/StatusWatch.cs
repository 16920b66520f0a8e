using System.Collections.Concurrent;
using System.Net;

namespace CrmActors.Tests.Support;

/// <summary>
/// Polls a URL on every given node while a failover scenario runs and keeps every answer's status, so
/// the test can assert that no request met a 500. A node that is down or frozen gives no status
/// (connection refused or timed out), which is what a client of a dead node sees.
/// </summary>
public sealed class StatusWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StatusWatch(Func<IReadOnlyList<SiloProcess>> nodes, string token, string path)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var node in nodes().ToArray().Where(n => !n.HasExited))
                {
                    using var client = node.Client(token);
                    client.Timeout = TimeSpan.FromSeconds(3);
                    try
                    {
                        using var response = await client.GetAsync(path, _stop.Token);
                        Statuses.Enqueue(response.StatusCode);
                        if (IsServerError(response.StatusCode))
                        {
                            _errors.Enqueue($"{node.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}\n" +
                                $"the end of its log:\n{string.Join('\n', node.Output.Split('\n').TakeLast(80))}");
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ObjectDisposedException or InvalidOperationException)
                    {
                        // Down or frozen: no answer at all.
                    }
                }

                await Task.Delay(250, CancellationToken.None);
            }
        });
    }

    public ConcurrentQueue<HttpStatusCode> Statuses { get; } = new();

    /// <summary>Each 5xx other than 503, with the node that answered it, its body and the node's log at that moment.</summary>
    public IReadOnlyList<string> ServerErrors => [.. _errors];

    private readonly ConcurrentQueue<string> _errors = new();

    private static bool IsServerError(HttpStatusCode status) => (int)status >= 500 && status != HttpStatusCode.ServiceUnavailable;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
