namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>How the POP3 connection is secured.</summary>
public enum Pop3Tls
{
    /// <summary>Plain text for the whole session; only for servers on a trusted network.</summary>
    None,

    /// <summary>Plain connect, then <c>STLS</c> (RFC 2595) before the login; refused if the server lacks STLS.</summary>
    StartTls,

    /// <summary>TLS from the first byte (pop3s, usually port 995).</summary>
    ImplicitTls,
}

/// <summary>
/// One mailbox to fetch. <paramref name="MailboxId"/> names the mailbox in the store (letters, digits,
/// '-', '_', '.'); the password is used for the login only and never appears in <see cref="ToString"/>.
/// </summary>
public sealed record Pop3Mailbox(string MailboxId, string Host, int Port, Pop3Tls Tls, string Login, string Password)
{
    public override string ToString() => $"{Login} on {Host}:{Port} ({Tls})";
}
