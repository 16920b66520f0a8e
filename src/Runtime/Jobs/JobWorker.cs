using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Silos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Runtime.Jobs;

/// <summary>
/// Runs jobs on this node: claims one when a slot is free, renews its lease while it runs (the
/// heartbeat), and completes, requeues or fails it. A job whose lease lapses (its node died) is
/// claimed again by whichever node looks next and resumes from its checkpoint.
/// </summary>
public sealed class JobWorker : BackgroundService
{
    private readonly JobStore _store;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly SiloIdentity _silo;
    private readonly RuntimeOptions _options;
    private readonly ILogger<JobWorker> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _wake = new(0);

    public JobWorker(JobStore store, IEnumerable<IJobHandler> handlers, SiloIdentity silo, IOptions<RuntimeOptions> options, ILogger<JobWorker> logger)
    {
        _store = store;
        _handlers = handlers.ToDictionary(h => h.Kind);
        _silo = silo;
        _options = options.Value;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrentJobs);
        _store.JobQueued += () => _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_handlers.Count == 0)
        {
            return;
        }

        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            await _slots.WaitAsync(stoppingToken);
            JobRecord? job = null;
            try
            {
                job = await _store.ClaimAsync(_silo.Id, _handlers.Keys, _options.JobLease);
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "Claiming a job failed");
            }

            if (job is null)
            {
                _slots.Release();
                try
                {
                    await _wake.WaitAsync(_options.JobPollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            running.RemoveAll(t => t.IsCompleted);
            running.Add(RunAsync(job, stoppingToken));
        }

        await Task.WhenAll(running);
    }

    private async Task RunAsync(JobRecord job, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = HeartbeatAsync(job.Id, job.RunId!, leaseLost);
        var handler = _handlers[job.Kind];
        try
        {
            _logger.LogInformation("Job {JobId} ({Kind}) started, attempt {Attempt}", job.Id, job.Kind, job.Attempts);
            var result = await handler.RunAsync(new JobContext(job, _store, leaseLost.Token));
            if (!await _store.CompleteAsync(job.Id, job.RunId!, result))
            {
                _logger.LogWarning("Job {JobId} finished here after another node took it over", job.Id);
            }
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            // Stopping: hand the job back at once. Lease lost: another node already owns it.
            if (stoppingToken.IsCancellationRequested)
            {
                await _store.ReleaseAsync(job.Id, job.RunId!);
            }

            _logger.LogInformation("Job {JobId} left to another node", job.Id);
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Job {JobId} ({Kind}) failed", job.Id, job.Kind);
            if (await _store.FailAsync(job.Id, job.RunId!, exception.Message, _options.JobMaxAttempts))
            {
                await handler.OnFailedAsync(job, exception.Message);
            }
        }
        finally
        {
            await leaseLost.CancelAsync();
            await heartbeat;
            _slots.Release();
        }
    }

    private async Task HeartbeatAsync(string jobId, string runId, CancellationTokenSource leaseLost)
    {
        var interval = _options.JobLease / 3;
        while (!leaseLost.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, leaseLost.Token);
                if (!await _store.RenewLeaseAsync(jobId, runId, _options.JobLease))
                {
                    await leaseLost.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "Renewing the lease of job {JobId} failed", jobId);
            }
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        _wake.Dispose();
        base.Dispose();
    }
}
