using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.Organizations;

namespace CrmActors.Api;

public static partial class MailAddOnApi
{
    public sealed record MailboxSettingsResponse(string Protocol, string Host, int Port, string Tls, string Login, string Address, string AccountType);

    public sealed record MailboxResponse(MailboxSettingsResponse? Mailbox, DateTimeOffset? SavedAt, bool Locked, DateTimeOffset? LockedAt, string? LockedBy);

    public sealed record MailBackupResponse(
        string Id, string Kind, string Status, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int? Messages, MailBackupCounts? Counts, string? Error);

    /// <summary>SPEC §4: <c>{id, email, name, active, mailbox, locked, backup}</c>; the backup only for a deactivated user.</summary>
    public sealed record MailUserResponse(
        string Id, string Email, string Name, bool Active, MailboxSettingsResponse? Mailbox, bool Locked, MailBackupResponse? Backup,
        IReadOnlyList<MailBackupResponse>? Backups);

    private static MailboxSettingsResponse? AsSettingsResponse(this MailboxSettingsInput? s) =>
        s is null ? null : new(s.Protocol, s.Host, s.Port, s.Tls, s.Login, s.Address, s.AccountType);

    private static MailboxResponse AsMailboxResponse(this MailboxView view) =>
        new(view.Settings.AsSettingsResponse(), view.SavedAt, view.Locked, view.LockedAt, view.LockedBy);

    private static MailBackupResponse AsResponse(this MailBackup b) =>
        new(b.Id, b.Kind, b.Status, b.StartedAt, b.CompletedAt, b.Counts?.Stored, b.Counts, b.Error);

    private static MailUserResponse AsMailUserResponse(this UserAccount user, MailboxView view, bool withHistory) => new(
        user.Id, user.Email, user.Name, user.Active, view.Settings.AsSettingsResponse(), view.Locked,
        user.Active ? null : view.LatestBackup?.AsResponse(),
        withHistory ? view.Backups.Select(b => b.AsResponse()).Reverse().ToList() : null);
}
