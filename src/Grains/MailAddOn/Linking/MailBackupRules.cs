using CrmActors.Grains.MailAddOn.Store;

namespace CrmActors.Grains.MailAddOn.Linking;

/// <summary>A refusal with a stable code and a sentence naming the rule, for a 4xx problem.</summary>
public sealed record MailBackupRefusal(string Code, string Detail);

/// <summary>The SPEC §4 rules for a mailbox backup and a latest backup, as pure functions.</summary>
public static class MailBackupRules
{
    /// <summary>Backup of a deactivated user's mailbox: POP3 only, shared account types only, the admin's own domain.</summary>
    public static MailBackupRefusal? CheckBackup(string protocol, MailAccountType accountType, string mailboxAddress, string adminEmail)
    {
        if (!string.Equals(protocol, "pop3", StringComparison.OrdinalIgnoreCase))
        {
            return new("mail-backup-not-pop3", "Only POP3 mailboxes can be backed up; this mailbox uses IMAP.");
        }

        if (accountType == MailAccountType.Private)
        {
            return new("mail-backup-private", "A private mail account cannot be backed up; only share_related and share_all accounts can.");
        }

        return string.Equals(DomainOf(mailboxAddress), DomainOf(adminEmail), StringComparison.Ordinal) && DomainOf(adminEmail) is not null
            ? null
            : new("mail-backup-other-domain", $"The mailbox address's domain ({DomainOf(mailboxAddress) ?? "none"}) must equal your own e-mail domain ({DomainOf(adminEmail) ?? "none"}).");
    }

    /// <summary>
    /// Latest backup after a reactivation: refused while the user has not saved their mail settings since
    /// <paramref name="reactivatedAt"/>, or when they switched to <c>private</c>.
    /// </summary>
    public static MailBackupRefusal? CheckLatestBackup(MailAccountType accountType, DateTimeOffset? reactivatedAt, DateTimeOffset? settingsSavedAt)
    {
        if (accountType == MailAccountType.Private)
        {
            return new("mail-latest-backup-private", "The user switched their mail account to private after reactivation; a private account cannot be backed up.");
        }

        return reactivatedAt is { } reactivated && (settingsSavedAt is null || settingsSavedAt < reactivated)
            ? new("mail-latest-backup-settings-not-saved", "The user has not saved their mail settings since being reactivated; they must sign in and save them before a latest backup.")
            : null;
    }

    /// <summary>The messages a latest backup fetches: those on the server whose keys no earlier backup stored, in server order.</summary>
    public static IReadOnlyList<MessageKey> NewSinceLastBackup(IEnumerable<MessageKey> serverKeys, IReadOnlySet<MessageKey> storedKeys) =>
        [.. serverKeys.Where(k => !storedKeys.Contains(k)).Distinct()];

    private static string? DomainOf(string address) =>
        MailAddresses.Normalize(address) is { } normalized ? normalized[(normalized.LastIndexOf('@') + 1)..] : null;
}
