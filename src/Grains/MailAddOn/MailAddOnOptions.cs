namespace CrmActors.Grains.MailAddOn;

/// <summary>Limits of mailbox backups (<c>MailAddOn:*</c>).</summary>
public sealed class MailAddOnOptions
{
    /// <summary>TCP connect, TLS handshake and greeting together.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait for any one read or write on the POP3 connection.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>One attempt of a backup; a resumed attempt starts a new budget and skips what is stored.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>A message larger than this (the server's LIST size) is kept as headers only and counted as such.</summary>
    public long MaxMessageBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Messages parsed and linked per database transaction.</summary>
    public int BatchSize { get; set; } = 100;
}
