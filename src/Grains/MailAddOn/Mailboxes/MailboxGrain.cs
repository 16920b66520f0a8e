using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

public sealed class MailboxGrain(
    [PersistentState("mailbox", StorageNames.Crm)] IPersistentState<StoredState<MailboxState>> state,
    CrmGrainServices services)
    : CrmGrain<MailboxState>(state, services), IMailboxGrain
{
    public const string BackupRunKind = "mail.backup";

    private string OrgId => MailboxKeys.Parse(this.GetPrimaryKeyString()).OrgId;

    private string UserId => MailboxKeys.Parse(this.GetPrimaryKeyString()).UserId;

    public Task<MailboxView> SaveSettingsAsync(MailboxSettingsInput input, string? protectedPassword)
    {
        var next = MailboxSettingsRules.Validate(input);
        MailboxSettingsRules.CheckLocked(State, next);
        if (State.Backups.FirstOrDefault(b => b.Status == MailBackupStatuses.Running) is { } running)
        {
            // A running backup reads the settings at each attempt: they may not become another mailbox's under it.
            throw MailProblems.Refused(MailProblems.BackupRunning, $"Backup {running.Id} of this mailbox is running; save the settings once it completes.");
        }

        var password = protectedPassword ?? State.ProtectedPassword
            ?? throw ProblemException.Validation("password", "password is required the first time a mailbox is set up.");
        if (protectedPassword is null && State.Settings is { } saved && !SameServer(saved, next))
        {
            // The saved password is only ever sent to the server, account and encryption it was given for.
            throw ProblemException.Validation("password",
                "password is required again when the protocol, host, port, encryption (tls) or login changes: a saved password is only sent to the server it was given for.");
        }

        var before = State.Settings;
        State = State with { Settings = next, ProtectedPassword = password, SavedAt = Now };
        // The password is never audited, not even as ciphertext: only that it was set.
        Audit(OrgId, UserId, before is null ? AuditActions.Create : AuditActions.Update, $"users/{UserId}/mailbox",
        [
            new("protocol", before?.Protocol, next.Protocol), new("host", before?.Host, next.Host), new("port", before?.Port, next.Port),
            new("tls", before?.Tls, next.Tls), new("login", before?.Login, next.Login), new("address", before?.Address, next.Address),
            new("accountType", before?.AccountType, next.AccountType), new("password", null, protectedPassword is null ? "unchanged" : "set"),
        ]);
        return Task.FromResult(State.AsView());
    }

    private static bool SameServer(MailboxSettingsInput a, MailboxSettingsInput b) =>
        (a.Protocol, a.Port, a.Tls, a.Login) == (b.Protocol, b.Port, b.Tls, b.Login) && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    public Task<MailboxView> GetAsync() => Task.FromResult(State.AsView());

    public Task<MailboxView> SetLockedAsync(bool locked, MailAdminContext admin)
    {
        MailboxSettingsRules.CheckLock(State, locked, UserId, admin);
        if (State.Locked != locked)
        {
            State = State with { Locked = locked, LockedAt = locked ? Now : null, LockedBy = locked ? admin.AdminId : null };
            Audit(OrgId, admin.AdminId, AuditActions.Update, $"users/{UserId}/mailbox", [new("locked", !locked, locked)]);
        }

        return Task.FromResult(State.AsView());
    }

    public async Task<MailBackup> StartBackupAsync(string kind, MailAdminContext admin)
    {
        // The user as they are now, not as the request found them: a reactivation may have come in between.
        var user = (await GrainFactory.Grain<IOrganizationGrain>(OrgId).GetAsync()).User(UserId);
        admin = admin with { TargetActive = user?.Active ?? false, TargetReactivatedAt = user?.ReactivatedAt };
        if (admin.TargetActive)
        {
            throw MailProblems.Refused(MailProblems.UserActive, "Only a deactivated user's mailbox can be backed up; deactivate the user first.");
        }

        var settings = State.Settings
            ?? throw MailProblems.Refused(MailProblems.NoMailbox, "This user has not set up a mailbox in the mail add-on; there is nothing to back up.");
        var accountType = MailAccountTypes.FromApi(settings.AccountType)!.Value;
        if (State.Backups.FirstOrDefault(b => b.Status == MailBackupStatuses.Running) is { } running)
        {
            throw MailProblems.Refused(MailProblems.BackupRunning, $"Backup {running.Id} of this mailbox is still running; wait until it completes.");
        }

        if (kind == MailBackupKinds.Latest)
        {
            if (!State.Backups.Any(b => b.Status == MailBackupStatuses.Completed))
            {
                throw MailProblems.Refused(MailProblems.NoEarlierBackup, "A latest backup fetches what is new since the last backup, and this mailbox has no completed backup; take a backup first.");
            }

            // The latest-backup rules first: a switch to private after reactivation is refused as that rule.
            if (MailBackupRules.CheckLatestBackup(accountType, admin.TargetReactivatedAt, State.SavedAt) is { } latestRefused)
            {
                throw MailProblems.Refused(latestRefused);
            }
        }

        if (MailBackupRules.CheckBackup(settings.Protocol, accountType, settings.Address, admin.AdminEmail) is { } refused)
        {
            throw MailProblems.Refused(refused);
        }

        var backupId = Ids.New();
        var runId = StartRun(BackupRunKind, OrgId, new MailBackupJob.Payload(OrgId, UserId, backupId));
        var backup = new MailBackup(backupId, kind, MailBackupStatuses.Running, admin.AdminId, runId, Now, null, null, null);
        State = State with { Backups = State.Backups.Add(backup) };
        Audit(OrgId, admin.AdminId, AuditActions.Create, $"users/{UserId}/mailbox/backups/{backupId}", [new("kind", null, kind)]);
        return backup;
    }

    public Task<MailBackupSource?> GetBackupSourceAsync(string backupId) =>
        Task.FromResult(State.Backup(backupId) is { Status: MailBackupStatuses.Running } backup && State.Settings is { } settings && State.ProtectedPassword is { } password
            ? new MailBackupSource(backup.Kind, settings, password)
            : null);

    public Task FinishBackupAsync(string backupId, MailBackupCounts? counts, string? error)
    {
        if (State.Backup(backupId) is { Status: MailBackupStatuses.Running } backup)
        {
            var finished = backup with
            {
                Status = error is null ? MailBackupStatuses.Completed : MailBackupStatuses.Failed,
                CompletedAt = Now,
                Counts = counts ?? backup.Counts,
                Error = error,
            };
            State = State with { Backups = State.Backups.Replace(backup, finished) };
        }

        return Task.CompletedTask;
    }
}
