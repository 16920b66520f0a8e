using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Reminders;
using CrmActors.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Runtime.Grains;

/// <summary>
/// Runs grain calls. A write turn takes the grain's in-node lock, then its row lock in a database
/// transaction (so one call at a time per grain across every node), loads the state, calls the grain,
/// writes the state if it changed, and commits. A read-only call reads the last committed state.
/// </summary>
public sealed class GrainRuntime(
    IDatabase database,
    GrainStateStore stateStore,
    GrainTypeRegistry types,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<RuntimeOptions> options,
    GrainMetrics metrics,
    ILogger<GrainRuntime> logger)
{
    private readonly KeyedLock<GrainId> _locks = new();
    private readonly ConcurrentDictionary<GrainId, (long Version, object? State)> _committed = new();

    internal static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    public IGrainFactory Factory => field ??= services.GetRequiredService<IGrainFactory>();

    internal ReminderTable Reminders => field ??= services.GetRequiredService<ReminderTable>();

    internal JobStore Jobs => field ??= services.GetRequiredService<JobStore>();

    public GrainTypeRegistry Types => types;

    public async Task<TResult> InvokeAsync<TResult>(
        GrainId grain, Type implementation, Func<Grain, Task<TResult>> call, bool readOnly,
        Func<GrainTurn, Task>? beforeCommit = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            return readOnly
                ? await InvokeReadOnlyAsync(grain, implementation, call, cancellationToken)
                : await InvokeTurnAsync(grain, implementation, call, beforeCommit, cancellationToken);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            metrics.Record(grain, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    private async Task<TResult> InvokeTurnAsync<TResult>(
        GrainId grain, Type implementation, Func<Grain, Task<TResult>> call, Func<GrainTurn, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        var timeout = options.Value.GrainCallTimeout;
        using var local = await _locks.TryLockAsync(grain, timeout, cancellationToken)
            ?? throw new GrainCallTimeoutException(grain, timeout);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var turn = new GrainTurn(grain, database, connection, transaction, clock.GetUtcNow());
        var now = turn.Now.ToUnixTimeMilliseconds();
        var cached = _committed.TryGetValue(grain, out var entry) ? entry : ((long Version, object? State)?)null;
        var stored = await stateStore.LockAsync(connection, transaction, grain, cached?.Version, now);

        var instance = Activate(implementation, turn);
        object? before = null;
        if (instance.StateType is { } stateType)
        {
            before = StateOf(stored, cached, stateType);
            instance.StateObject = before;
        }

        var result = await call(instance);
        if (beforeCommit is not null)
        {
            await beforeCommit(turn);
        }

        var version = stored.Version;
        if (instance.StateType is { } type && !ReferenceEquals(instance.StateObject, before))
        {
            var payload = JsonSerializer.Serialize(instance.StateObject, type, StateJson);
            if (stored.Unchanged || payload != stored.Payload)
            {
                version = await GrainStateStore.WriteAsync(connection, transaction, grain, stored.Version, payload, now);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        _committed[grain] = (version, instance.StateObject);

        foreach (var action in turn.AfterCommitActions)
        {
            try
            {
                await action();
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "An after-commit action of {Grain} failed", grain);
            }
        }

        return result;
    }

    private async Task<TResult> InvokeReadOnlyAsync<TResult>(GrainId grain, Type implementation, Func<Grain, Task<TResult>> call, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var turn = new GrainTurn(grain, database, connection, null, clock.GetUtcNow());
        var instance = Activate(implementation, turn);
        if (instance.StateType is { } stateType)
        {
            var cached = _committed.TryGetValue(grain, out var entry) ? entry : ((long Version, object? State)?)null;
            var stored = await GrainStateStore.ReadIfChangedAsync(connection, grain, cached?.Version);
            instance.StateObject = StateOf(stored, cached, stateType);
            if (stored is { Unchanged: false })
            {
                _committed[grain] = (stored.Version, instance.StateObject);
            }
        }

        return await call(instance);
    }

    /// <summary>
    /// The state a stored row holds: the cached object when the row is still at the cached version
    /// (state types are immutable records, so one instance can serve every turn of that version).
    /// </summary>
    private static object? StateOf(GrainStateStore.LockedState? stored, (long Version, object? State)? cached, Type stateType) =>
        stored is null ? null
        : stored.Unchanged ? cached!.Value.State
        : stored.Payload is null ? null : JsonSerializer.Deserialize(stored.Payload, stateType, StateJson);

    private Grain Activate(Type implementation, GrainTurn turn)
    {
        var instance = (Grain)ActivatorUtilities.CreateInstance(services, implementation);
        instance.Attach(turn, this);
        return instance;
    }
}
