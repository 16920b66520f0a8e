using CrmActors.Grains.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Runs;

/// <summary>
/// Executes a run in the background of its activation: the call that starts it returns at once.
/// Each attempt first writes its number into the state (the ETag check makes that write fail for an
/// activation a newer one has replaced), claims the fence, then runs the handler on the thread pool.
/// The resume reminder re-activates the run wherever Orleans places it after a silo dies.
/// </summary>
public sealed class RunGrain(
    [PersistentState("run", StorageNames.Crm)] IPersistentState<RunState> state,
    IEnumerable<IRunHandler> handlers,
    RunTable table,
    RunSlots slots,
    ILocalSiloDetails silo,
    IOptions<RunOptions> options,
    TimeProvider clock,
    ILogger<RunGrain> logger) : Grain, IRunGrain, IRemindable
{
    public const string ResumeReminder = "resume";

    private readonly CancellationTokenSource _stopping = new();
    private Task? _execution;
    private RunContext? _context;

    private RunOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        EnsureExecuting();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_execution is { } execution)
        {
            // The attempt stops at its next checkpoint or fence; the resume reminder brings the run back.
            await Task.WhenAny(execution, Task.Delay(Options.StopTimeout, CancellationToken.None));
        }
    }

    public async Task StartAsync(RunRequest request)
    {
        if (state.State.Request is not null)
        {
            return;
        }

        // The reminder first: a silo that dies after the write leaves a run its reminder brings back.
        await this.RegisterOrUpdateReminder(ResumeReminder, Options.ResumePeriod, Options.ResumePeriod);
        state.State = new RunState { Request = request, Status = RunStatuses.Queued };
        await state.WriteStateAsync();
        await SaveRowAsync();
        EnsureExecuting();
    }

    public Task<RunStatus> GetAsync()
    {
        var s = state.State;
        var progress = _context is { } context && s.Status == RunStatuses.Running ? Math.Max(context.Progress, s.Progress) : s.Progress;
        return Task.FromResult(new RunStatus(this.GetPrimaryKeyString(), s.Request?.Kind, s.Status, progress, s.Attempts, s.Silo, s.Error, s.Result));
    }

    public async Task SaveCheckpointAsync(int attempt, string checkpoint, double progress)
    {
        RequireAttempt(attempt);
        await WriteAsync(state.State with { Checkpoint = checkpoint, Progress = progress });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }

        if (!RunStatuses.IsActive(state.State.Status))
        {
            // The run ended; its silo may have died before the dashboards' row said so.
            if (state.State.Request is not null)
            {
                await SaveRowAsync();
            }

            await ClearResumeReminderAsync();
            return;
        }

        EnsureExecuting();
    }

    private void EnsureExecuting()
    {
        if (RunStatuses.IsActive(state.State.Status) && _execution is null or { IsCompleted: true })
        {
            _execution = ExecuteAsync();
        }
    }

    private async Task ExecuteAsync()
    {
        var cancellationToken = _stopping.Token;
        try
        {
            if (state.State.RetryAt is { } retryAt && retryAt > clock.GetUtcNow())
            {
                await Task.Delay(retryAt - clock.GetUtcNow(), cancellationToken);
            }

            await EnsureResumeReminderAsync();
            await slots.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var heartbeat = this.RegisterGrainTimer(HeartbeatAsync, new GrainTimerCreationOptions(Options.HeartbeatInterval, Options.HeartbeatInterval) { KeepAlive = true, Interleave = true });
        try
        {
            await RunAttemptAsync(cancellationToken);
        }
        catch (InconsistentStateException)
        {
            logger.LogWarning("Run {RunId}: another activation wrote its state; this one stops", this.GetPrimaryKeyString());
            DeactivateOnIdle();
        }
        catch (RunSupersededException superseded)
        {
            logger.LogWarning("Run {RunId}: {Reason}", this.GetPrimaryKeyString(), superseded.Message);
            DeactivateOnIdle();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping: the run stays active and resumes on the silo that gets its reminder.
            await GiveBackAttemptAsync();
        }
        finally
        {
            _context = null;
            slots.Release();
        }
    }

    private async Task RunAttemptAsync(CancellationToken cancellationToken)
    {
        var request = state.State.Request!;
        var handler = handlers.FirstOrDefault(h => h.Kind == request.Kind)
            ?? throw new InvalidOperationException($"No run handler for kind '{request.Kind}'.");
        // A failed attempt either ended the run (the last) or was followed by a retry; so counted attempts are used up here only
        // when the last of them never ended: its silo died under it. The run may be what kills them.
        var exhausted = Counted(state.State.Attempts) >= Options.MaxAttempts;
        var attempt = state.State.Attempts + 1;
        await WriteAsync(state.State with { Status = RunStatuses.Running, Attempts = attempt, Silo = silo.Name, StartedAt = state.State.StartedAt ?? clock.GetUtcNow(), RetryAt = null });
        if (!await table.ClaimAsync(request.RunId, attempt))
        {
            throw new RunSupersededException($"Run {request.RunId} attempt {attempt} lost its fence to a later attempt.");
        }

        if (exhausted)
        {
            // The claim above stopped any attempt still running on a silo not yet declared dead.
            var earlier = state.State.Error is { } error ? $" An earlier attempt failed: {error}" : "";
            await FailForGoodAsync(handler, attempt, $"The run used its {Options.MaxAttempts} attempts; the last one's silo died under it, and it is not tried again.{earlier}", null);
            return;
        }

        await SaveRowAsync();
        var context = new RunContext(request, attempt, state.State.Checkpoint, this.AsReference<IRunGrain>(), table, cancellationToken);
        _context = context;
        string? result;
        try
        {
            // The handler's work runs on the thread pool; it reaches this grain only through calls (checkpoints).
            result = await Task.Run(() => handler.RunAsync(context), CancellationToken.None);
        }
        catch (Exception e) when (e is not (InconsistentStateException or RunSupersededException) && !cancellationToken.IsCancellationRequested)
        {
            await FailAttemptAsync(handler, context, e);
            return;
        }

        RequireAttempt(attempt);
        await WriteAsync(state.State with { Status = RunStatuses.Completed, Progress = 1, Result = result, FinishedAt = clock.GetUtcNow() });
        await SaveRowAsync();
        await ClearResumeReminderAsync();
    }

    private async Task FailAttemptAsync(IRunHandler handler, RunContext context, Exception error)
    {
        RequireAttempt(context.Attempt);
        var reason = error is Common.ProblemException ? error.Message : $"{error.GetType().Name}: {error.Message}";
        if (Counted(context.Attempt) < Options.MaxAttempts)
        {
            logger.LogWarning(error, "Run {RunId} attempt {Attempt} failed; it is retried", context.RunId, context.Attempt);
            await WriteAsync(state.State with { Status = RunStatuses.Queued, Error = reason, RetryAt = clock.GetUtcNow() + Options.RetryDelay });
            await SaveRowAsync();
            _execution = null;
            EnsureExecuting();
            return;
        }

        await FailForGoodAsync(handler, context.Attempt, reason, error);
    }

    private async Task FailForGoodAsync(IRunHandler handler, int attempts, string reason, Exception? error)
    {
        logger.LogError(error, "Run {RunId} failed for good after {Attempts} attempts: {Reason}", this.GetPrimaryKeyString(), attempts, reason);
        var context = new RunContext(state.State.Request!, attempts, state.State.Checkpoint, this.AsReference<IRunGrain>(), table, CancellationToken.None);
        await handler.OnFailedAsync(context, reason);
        await WriteAsync(state.State with { Status = RunStatuses.Failed, Error = reason, FinishedAt = clock.GetUtcNow() });
        await SaveRowAsync();
        await ClearResumeReminderAsync();
    }

    /// <summary>Attempts that count towards the limit: all but those whose silo shut down in order.</summary>
    private int Counted(int attempts) => attempts - state.State.Stopped;

    /// <summary>An attempt stopped by its silo's orderly shutdown is not held against the run.</summary>
    private async Task GiveBackAttemptAsync()
    {
        try
        {
            if (state.State.Status == RunStatuses.Running)
            {
                await WriteAsync(state.State with { Stopped = state.State.Stopped + 1 });
            }
        }
        catch (Exception e)
        {
            logger.LogInformation(e, "Run {RunId}: the stopped attempt could not be given back; it counts", this.GetPrimaryKeyString());
        }
    }

    private async Task EnsureResumeReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder) is null)
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, Options.ResumePeriod, Options.ResumePeriod);
        }
    }

    private void RequireAttempt(int attempt)
    {
        if (state.State.Status != RunStatuses.Running || state.State.Attempts != attempt)
        {
            throw new RunSupersededException($"Run {this.GetPrimaryKeyString()} attempt {attempt} is no longer current (attempt {state.State.Attempts} is, {state.State.Status}).");
        }
    }

    private async Task WriteAsync(RunState next)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (state.State.Status == RunStatuses.Running)
        {
            await SaveRowAsync();
        }
    }

    private Task SaveRowAsync()
    {
        var s = state.State;
        var r = s.Request!;
        var progress = _context is { } context && s.Status == RunStatuses.Running ? Math.Max(context.Progress, s.Progress) : s.Progress;
        return table.SaveAsync(new RunTable.Row(r.RunId, r.Kind, r.OwnerKey, s.Status, progress, s.Attempts, s.Silo, r.RequestedAt, s.StartedAt, clock.GetUtcNow(), s.FinishedAt, s.Error));
    }

    private async Task ClearResumeReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
