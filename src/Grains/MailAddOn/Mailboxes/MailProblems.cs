using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Linking;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>The mail add-on's refusals; each code names the rule that refused (SPEC §4).</summary>
public static class MailProblems
{
    public const string OwnSettingsOnly = "mail-settings-own-only";
    public const string SettingsLocked = "mail-settings-locked";
    public const string NoMailbox = "mail-no-mailbox";
    public const string LockPrivate = "mail-lock-private";
    public const string LockOwnSettings = "mail-lock-own-settings";
    public const string UnlockOwnSettings = "mail-unlock-own-settings";
    public const string UserActive = "mail-backup-user-active";
    public const string BackupRunning = "mail-backup-running";
    public const string NoEarlierBackup = "mail-latest-backup-none";

    public static ProblemException Refused(MailBackupRefusal refusal) => ProblemException.Conflict(refusal.Code, refusal.Detail);

    public static ProblemException Refused(string code, string detail) => ProblemException.Conflict(code, detail);
}
