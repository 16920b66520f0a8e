namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// One sync pair (key: pair ID). Holds its settings and status, drives its runs with a reminder at its
/// frequency, and starts each run as a run grain (<see cref="ContactSyncJob"/>), one at a time.
/// </summary>
public interface ISyncPairGrain : IGrainWithStringKey
{
    /// <summary>Stores a validated pair, enabled, with its first run due now. Refused if the pair exists.</summary>
    Task<SyncPairState> CreateAsync(SyncPairState settings);

    [ReadOnly]
    Task<SyncPairState> GetAsync();

    /// <summary>Starts a run now unless one is running; the state names the run.</summary>
    Task<SyncPairState> RunNowAsync();

    /// <summary>
    /// Takes <paramref name="settings"/>' direction, policy, frequency, view, mapping, defaults and remote (validated by
    /// the caller); a new frequency moves the next scheduled run. A running run finishes on the settings it began with.
    /// Refused (409) when <paramref name="settings"/> were built from an earlier <see cref="SyncPairState.Revision"/>.
    /// </summary>
    Task<SyncPairState> UpdateAsync(SyncPairState settings);

    /// <summary>Stops scheduled runs; links and the sync token are kept, so enabling later adds no duplicate.</summary>
    Task<SyncPairState> DisableAsync();

    /// <summary>Schedules runs again, the first one now.</summary>
    Task<SyncPairState> EnableAsync();

    /// <summary>Ends the pair: no more runs; its links are deleted by the caller.</summary>
    Task DeleteAsync();

    /// <summary>Called by the run as it starts: the pair's state when <paramref name="runId"/> is its current run, else null (stale run).</summary>
    Task<SyncPairState?> BeginRunAsync(string runId);

    /// <summary>The run's report: counts, token, limits and errors. Repeating it for the same run does nothing.</summary>
    Task CompleteRunAsync(SyncRunOutcome outcome);
}

/// <summary>An organization's sync pairs (key: org ID): enforces one pair per user per module, and lists them.</summary>
public interface ISyncPairDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="pair"/> through its grain unless its owner has a pair for the module (409).</summary>
    Task<SyncPairState> CreateAsync(SyncPairState pair);

    Task RemoveAsync(string pairId);

    [ReadOnly]
    Task<IReadOnlyList<SyncPairEntry>> ListAsync();
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-pair-entry")]
public sealed record SyncPairEntry(string PairId, string UserId, string Module);
