namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>
/// One user's mail add-on settings (key: <c>{orgId}/{userId}</c>): the mailbox connection with its
/// password encrypted at rest, the account type, the admin's lock, and the user's mailbox backups.
/// Every refusal is a <see cref="Common.ProblemException"/> whose code names the rule.
/// </summary>
public interface IMailboxGrain : IGrainWithStringKey
{
    /// <summary>Saves the user's own settings (refused while locked); records when they were saved.</summary>
    Task<MailboxView> SaveSettingsAsync(MailboxSettingsInput input, string? protectedPassword);

    [ReadOnly]
    Task<MailboxView> GetAsync();

    /// <summary>Locks (<paramref name="locked"/> true) or unlocks the settings, applying every lock rule of SPEC §4.</summary>
    Task<MailboxView> SetLockedAsync(bool locked, MailAdminContext admin);

    /// <summary>Starts a full (<see cref="MailBackupKinds.Full"/>) or latest backup of the deactivated user's mailbox as a run.</summary>
    Task<MailBackup> StartBackupAsync(string kind, MailAdminContext admin);

    /// <summary>What the backup run needs to connect; null when <paramref name="backupId"/> is no longer running.</summary>
    Task<MailBackupSource?> GetBackupSourceAsync(string backupId);

    /// <summary>Records the end of a backup; a second report for the same backup changes nothing.</summary>
    Task FinishBackupAsync(string backupId, MailBackupCounts? counts, string? error);
}

/// <summary>Key of a user's mailbox grain.</summary>
public static class MailboxKeys
{
    public static string Of(string orgId, string userId) => $"{orgId}/{userId}";

    public static (string OrgId, string UserId) Parse(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}

public static class MailBackupKinds
{
    public const string Full = "full";
    public const string Latest = "latest";
}

public static class MailBackupStatuses
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>The settings a user sends; the password travels separately, already encrypted.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.mail-settings-input")]
public sealed record MailboxSettingsInput(string Protocol, string Host, int Port, string Tls, string Login, string Address, string AccountType);

/// <summary>
/// The requesting admin and what the organization's committed state says about the target user, so
/// the grain can apply the rules without another call: the admin's e-mail (its domain), how many
/// active admins there are, whether the target is active and when they were last reactivated.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.mail-admin-context")]
public sealed record MailAdminContext(string AdminId, string AdminEmail, int ActiveAdmins, bool TargetActive, DateTimeOffset? TargetReactivatedAt);

/// <summary>A mailbox as anyone may see it: never the password.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.mailbox-view")]
public sealed record MailboxView(
    MailboxSettingsInput? Settings, DateTimeOffset? SavedAt, bool Locked, DateTimeOffset? LockedAt, string? LockedBy, IReadOnlyList<MailBackup> Backups)
{
    public MailBackup? LatestBackup => Backups.Count == 0 ? null : Backups[^1];
}

/// <summary>A backup's counts; <see cref="Refused"/> are messages the server answered RETR for with an error (tried again by the next backup).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.mail-backup-counts")]
public sealed record MailBackupCounts(int OnServer, int Fetched, int AlreadyStored, int Stored, int NotLinked, int HeadersOnly, int Links, long Bytes, int Refused = 0);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.mail-backup")]
public sealed record MailBackup(
    string Id, string Kind, string Status, string RequestedBy, string RunId, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt,
    MailBackupCounts? Counts, string? Error);

/// <summary>The connection of a running backup, the password still encrypted (only the run decrypts it).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.mail-backup-source")]
public sealed record MailBackupSource(string Kind, MailboxSettingsInput Settings, string ProtectedPassword);
