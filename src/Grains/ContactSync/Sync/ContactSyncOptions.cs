namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>Contact sync limits (<c>ContactSync:*</c>, SPEC §5 and §8).</summary>
public sealed class ContactSyncOptions
{
    /// <summary>Contacts the first run of a pair moves at most.</summary>
    public int FirstRunLimit { get; set; } = 10_000;

    /// <summary>Contacts every later run moves at most.</summary>
    public int RunLimit { get; set; } = 500;

    /// <summary>Contacts one pair creates in the remote address book in total; then it stops pushing new ones and says so.</summary>
    public int PushLimit { get; set; } = 25_000;

    /// <summary>Shortest frequency a pair may ask for.</summary>
    public int MinFrequencyMinutes { get; set; } = 5;

    /// <summary>Changes written per database transaction (and per run checkpoint).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Changed remote cards downloaded and applied together: a run holds one chunk's cards, and downloads none past its limit.</summary>
    public int FetchChunk { get; set; } = 500;

    /// <summary>Errors kept in a run's report.</summary>
    public int MaxReportedErrors { get; set; } = 20;

    /// <summary>Per CardDAV request, from sending to the last byte of the answer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest CardDAV answer read; a card larger than it alone (a large photo) is skipped and reported.</summary>
    public long MaxResponseBytes { get; set; } = CardDav.CardDavClientOptions.DefaultMaxResponseBytes;

    /// <summary>Finding and checking a pair's address book when it is created or changed, all requests together.</summary>
    public TimeSpan DiscoveryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A whole sync run; a run that takes longer stops with what it wrote kept, and the next run goes on from there.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
