namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>Why a fetch failed, so a backup can end <c>failed</c> with a reason the admin can act on.</summary>
public enum MailboxFetchFailure
{
    /// <summary>The host resolves to a loopback, private or link-local address and those are not allowed.</summary>
    TargetRefused,

    /// <summary>The host could not be reached, or the connection dropped.</summary>
    Unreachable,

    /// <summary>The TLS handshake failed (certificate, protocol) or the server lacks STLS.</summary>
    Tls,

    /// <summary>The server refused the login.</summary>
    Authentication,

    /// <summary>The server answered a command with <c>-ERR</c>.</summary>
    ServerError,

    /// <summary>The server's answers are not POP3.</summary>
    Protocol,

    /// <summary>The server did not answer in time, or the fetch took longer than its total budget.</summary>
    Timeout,
}

/// <summary>
/// A fetch that failed for a reason outside this process. <see cref="ServerReason"/> is the server's own
/// text where it gave one (e.g. <c>-ERR [AUTH] Authentication failed.</c>). Messages never hold the password.
/// </summary>
public sealed class MailboxFetchException(MailboxFetchFailure failure, string message, string? serverReason = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public MailboxFetchFailure Failure { get; } = failure;

    public string? ServerReason { get; } = serverReason;
}
