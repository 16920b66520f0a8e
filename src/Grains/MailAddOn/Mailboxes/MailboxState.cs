using System.Collections.Immutable;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>The mailbox grain's state. The password is kept only as Data Protection ciphertext.</summary>
public sealed record MailboxState
{
    public MailboxSettingsInput? Settings { get; init; }

    public string? ProtectedPassword { get; init; }

    /// <summary>When the user last saved their settings (the latest-backup rule compares it with their reactivation).</summary>
    public DateTimeOffset? SavedAt { get; init; }

    public bool Locked { get; init; }

    public DateTimeOffset? LockedAt { get; init; }

    public string? LockedBy { get; init; }

    /// <summary>Oldest first.</summary>
    public ImmutableList<MailBackup> Backups { get; init; } = [];

    public MailBackup? Backup(string id) => Backups.FirstOrDefault(b => b.Id == id);

    public MailboxView AsView() => new(Settings, SavedAt, Locked, LockedAt, LockedBy, Backups);
}
