using System.Collections.Immutable;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// A sync pair (SPEC §5): its settings, its schedule and what its runs reported. The remote's secret is
/// kept only as Data Protection ciphertext (<see cref="SyncRemote.ProtectedSecret"/>); API answers never carry it.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-pair-state")]
public sealed record SyncPairState
{
    public string? Id { get; init; }

    public string OrgId { get; init; } = "";

    public string UserId { get; init; } = "";

    public string Module { get; init; } = "";

    public string Direction { get; init; } = SyncDirections.TwoWay;

    public string ConflictPolicy { get; init; } = SyncConflictPolicies.CrmWins;

    public int FrequencyMinutes { get; init; }

    public SyncRemote Remote { get; init; } = new();

    /// <summary>The CRM filter (field = value, all must hold) choosing which records the pair syncs.</summary>
    public ImmutableSortedDictionary<string, string> View { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Additions and overrides of the default mapping: CRM field → vCard property; an empty value unmaps a default.</summary>
    public ImmutableSortedDictionary<string, string> FieldMap { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Values for CRM records created from remote cards (Last_Name and every required field).</summary>
    public ImmutableSortedDictionary<string, string> Defaults { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public bool Enabled { get; init; }

    public bool Deleted { get; init; }

    /// <summary>Counts the changes of the settings: a change checked against one revision is refused if another came first.</summary>
    public int Revision { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The address book's sync-token after the last run that left no remote change deferred.</summary>
    public string? SyncToken { get; init; }

    public int CompletedRuns { get; init; }

    /// <summary>Contacts this pair has created in the remote address book, against <c>ContactSync:PushLimit</c>.</summary>
    public long PushedTotal { get; init; }

    public DateTimeOffset? LastSyncAt { get; init; }

    public string? ActiveRunId { get; init; }

    public SyncRunReport? LastRun { get; init; }

    public SyncCounts Totals { get; init; } = new();

    public bool Exists => Id is not null && !Deleted;
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-remote")]
public sealed record SyncRemote
{
    /// <summary>The URL the user gave.</summary>
    public string Url { get; init; } = "";

    /// <summary>The address book discovery found at <see cref="Url"/>.</summary>
    public string AddressBook { get; init; } = "";

    public string Auth { get; init; } = SyncAuth.Basic;

    public string? UserName { get; init; }

    public string ProtectedSecret { get; init; } = "";

    /// <summary>The contact group (CATEGORIES value) the pair is limited to and adds pushed contacts to.</summary>
    public string? Group { get; init; }

    public bool SupportsSyncCollection { get; init; }
}

/// <summary>What a run did, each way; also the pair's running totals.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-counts")]
public sealed record SyncCounts
{
    public int CrmCreated { get; init; }

    public int CrmUpdated { get; init; }

    public int CrmDeleted { get; init; }

    public int RemoteCreated { get; init; }

    public int RemoteUpdated { get; init; }

    public int RemoteDeleted { get; init; }

    public int Conflicts { get; init; }

    public int Skipped { get; init; }

    /// <summary>Changes a limit held back for a later run.</summary>
    public int Deferred { get; init; }

    public SyncCounts Add(SyncCounts o) => new()
    {
        CrmCreated = CrmCreated + o.CrmCreated, CrmUpdated = CrmUpdated + o.CrmUpdated, CrmDeleted = CrmDeleted + o.CrmDeleted,
        RemoteCreated = RemoteCreated + o.RemoteCreated, RemoteUpdated = RemoteUpdated + o.RemoteUpdated, RemoteDeleted = RemoteDeleted + o.RemoteDeleted,
        Conflicts = Conflicts + o.Conflicts, Skipped = Skipped + o.Skipped, Deferred = Deferred + o.Deferred,
    };
}

/// <summary>One run as the pair's status shows it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-run-report")]
public sealed record SyncRunReport
{
    public string RunId { get; init; } = "";

    public string Status { get; init; } = SyncRunStatuses.Completed;

    public DateTimeOffset? FinishedAt { get; init; }

    public SyncCounts Counts { get; init; } = new();

    /// <summary><c>sync-collection</c> or <c>etag-listing</c>.</summary>
    public string? ChangeSource { get; init; }

    /// <summary>Why a full ETag listing replaced sync-collection (token rejected, REPORT unsupported).</summary>
    public string? FallbackReason { get; init; }

    /// <summary>Why some work waits for a later run (run limit, first-run limit, push limit).</summary>
    public ImmutableList<string> Limits { get; init; } = [];

    public ImmutableList<string> Errors { get; init; } = [];
}

/// <summary>A run's outcome, reported by the run to its pair.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-run-outcome")]
public sealed record SyncRunOutcome
{
    public string RunId { get; init; } = "";

    public SyncCounts Counts { get; init; } = new();

    /// <summary>The token to keep; null keeps none (the next run lists everything by ETag).</summary>
    public string? SyncToken { get; init; }

    public long Pushed { get; init; }

    public string? ChangeSource { get; init; }

    public string? FallbackReason { get; init; }

    public ImmutableList<string> Limits { get; init; } = [];

    public ImmutableList<string> Errors { get; init; } = [];

    /// <summary>Set when the run could not sync at all (wrong credentials, unreachable server, owner lost the permission).</summary>
    public string? Failure { get; init; }
}

public static class SyncDirections
{
    public const string TwoWay = "two_way";
    public const string CrmToRemote = "crm_to_remote";
    public const string RemoteToCrm = "remote_to_crm";

    public static readonly IReadOnlyList<string> All = [TwoWay, CrmToRemote, RemoteToCrm];

    public static bool WritesCrm(string direction) => direction != CrmToRemote;

    public static bool WritesRemote(string direction) => direction != RemoteToCrm;
}

public static class SyncConflictPolicies
{
    public const string CrmWins = "crm_wins";
    public const string RemoteWins = "remote_wins";
}

public static class SyncAuth
{
    public const string Basic = "basic";
    public const string Bearer = "bearer";
}

public static class SyncRunStatuses
{
    public const string Completed = "completed";
    public const string Failed = "failed";
}
