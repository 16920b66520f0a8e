using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>Validation of a user's mailbox settings and the admin's lock rules; each refusal names its field or rule.</summary>
public static class MailboxSettingsRules
{
    public static readonly IReadOnlyList<string> Protocols = ["pop3", "imap"];

    public static readonly IReadOnlyList<string> TlsModes = ["implicit", "starttls", "none"];

    public static MailboxSettingsInput Validate(MailboxSettingsInput input)
    {
        var protocol = input.Protocol?.Trim().ToLowerInvariant();
        if (protocol is null || !Protocols.Contains(protocol))
        {
            throw ProblemException.Validation("protocol", "protocol must be 'pop3' or 'imap'.");
        }

        var host = input.Host?.Trim() ?? "";
        if (host.Length is 0 or > 253 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw ProblemException.Validation("host", "host must be the mail server's host name or IP address, such as 'pop.example.com'.");
        }

        if (input.Port is < 1 or > 65535)
        {
            throw ProblemException.Validation("port", "port must be between 1 and 65535 (POP3 is usually 110, or 995 with implicit TLS).");
        }

        var tls = input.Tls?.Trim().ToLowerInvariant();
        if (tls is null || !TlsModes.Contains(tls))
        {
            throw ProblemException.Validation("tls", "tls must be 'implicit' (TLS from the start), 'starttls' (STLS after connecting) or 'none'.");
        }

        if (string.IsNullOrWhiteSpace(input.Login) || input.Login.Length > 200)
        {
            throw ProblemException.Validation("login", "login is required (the mailbox's user name) and must be at most 200 characters.");
        }

        OrganizationRules.ValidateEmail("address", input.Address);
        if (MailAccountTypes.FromApi(input.AccountType) is null)
        {
            throw ProblemException.Validation("accountType", "accountType must be 'private', 'share_related' or 'share_all'.");
        }

        return new MailboxSettingsInput(protocol, host, input.Port, tls, input.Login.Trim(), input.Address.Trim().ToLowerInvariant(), input.AccountType);
    }

    /// <summary>While locked the user may save again (a new password, or to confirm them) but not change the mailbox or the account type.</summary>
    public static void CheckLocked(MailboxState state, MailboxSettingsInput next)
    {
        if (state.Locked && state.Settings is { } current && current != next)
        {
            throw MailProblems.Refused(MailProblems.SettingsLocked,
                "An administrator locked your mail add-on settings: the account type and mailbox cannot be changed until they are unlocked.");
        }
    }

    /// <summary>
    /// Lock rules: a user with no mailbox or a private account cannot be locked; with several admins an admin
    /// cannot lock or unlock their own settings, while a sole admin can.
    /// </summary>
    public static void CheckLock(MailboxState state, bool locking, string targetUserId, MailAdminContext admin)
    {
        if (state.Settings is not { } settings)
        {
            throw MailProblems.Refused(MailProblems.NoMailbox, "This user has not set up a mailbox in the mail add-on, so there are no settings to lock or unlock.");
        }

        if (admin.AdminId == targetUserId && admin.ActiveAdmins > 1)
        {
            throw locking
                ? new ProblemException(403, MailProblems.LockOwnSettings,
                    "With several administrators, you cannot lock your own mail add-on settings; another administrator must.")
                : new ProblemException(403, MailProblems.UnlockOwnSettings,
                    "With several administrators, you cannot unlock your own mail add-on settings; another administrator must.");
        }

        if (locking && MailAccountTypes.FromApi(settings.AccountType) == MailAccountType.Private)
        {
            throw MailProblems.Refused(MailProblems.LockPrivate, "A user whose mail account type is private cannot be locked.");
        }
    }

    public static Pop3Tls ToPop3Tls(string tls) => tls switch
    {
        "implicit" => Pop3Tls.ImplicitTls,
        "starttls" => Pop3Tls.StartTls,
        _ => Pop3Tls.None,
    };
}
