using System.Net.Security;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>Limits of one mailbox fetch. Defaults suit a remote server; tests shorten them.</summary>
public sealed record Pop3FetchOptions
{
    /// <summary>TCP connect, TLS handshake, greeting and capabilities together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait for any single read or write on the connection (a server that stops answering).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The whole fetch; a resumed fetch starts a new budget.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>A message larger than this (by the server's LIST size) is kept as headers only (<c>TOP n 0</c>) and reported.</summary>
    public long MaxMessageBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>
    /// Overrides certificate validation; null means the system's trust store and host name check.
    /// Only tests set it, to pin the self-signed certificate of their own server.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }
}
