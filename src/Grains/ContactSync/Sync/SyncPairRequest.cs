namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>The body of <c>POST …/sync-pairs</c> (SPEC §7).</summary>
public sealed record SyncPairRequest(
    string? Module,
    string? Direction,
    string? ConflictPolicy,
    int? FrequencyMinutes,
    SyncRemoteRequest? Remote,
    IReadOnlyDictionary<string, string>? View,
    IReadOnlyDictionary<string, string?>? FieldMap,
    IReadOnlyDictionary<string, string>? Defaults);

/// <summary>The address book and its credentials: user name and password (Basic) or a token (Bearer).</summary>
public sealed record SyncRemoteRequest(string? Url, string? Username, string? Password, string? Token, string? Group);
