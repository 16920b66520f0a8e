namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>Limits for one CardDAV client. A request that exceeds <see cref="RequestTimeout"/> fails with <see cref="CardDavError.Timeout"/>, never hangs.</summary>
public sealed record CardDavClientOptions
{
    /// <summary>Per attempt, from sending the request to the last byte of the answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of safe requests (GET, PROPFIND, REPORT) after a network error, a timeout, 429 or 502–504. Writes are never retried: a lost answer to a conditional PUT would come back as a false 412.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay; doubles each attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest answer read (after decompression); a multiget over it is fetched in halves.</summary>
    public long MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    public const long DefaultMaxResponseBytes = 32 * 1024 * 1024;

    public int MultigetBatchSize { get; init; } = 100;

    public int MaxRedirects { get; init; } = 5;

    public string UserAgent { get; init; } = "CrmActors-ContactSync/1.0";
}
