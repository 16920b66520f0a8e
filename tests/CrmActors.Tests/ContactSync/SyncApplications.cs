using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>Hosts that may reach the loopback Radicale (Outbound:AllowPrivateNetworks) with the product's default limits.</summary>
public abstract class SyncApplication : CrmApplication
{
    protected SyncApplication(string provider, int? firstRunLimit = null, int? runLimit = null, int? pushLimit = null)
        : base(provider)
    {
        Settings["Outbound:AllowPrivateNetworks"] = "true";
        Settings["ContactSync:RequestTimeout"] = "00:00:20";
        Set("ContactSync:FirstRunLimit", firstRunLimit);
        Set("ContactSync:RunLimit", runLimit);
        Set("ContactSync:PushLimit", pushLimit);
    }

    private void Set(string key, int? value)
    {
        if (value is { } v)
        {
            Settings[key] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

public sealed class SqliteSyncApplication() : SyncApplication("sqlite");

public sealed class PostgresSyncApplication() : SyncApplication("postgres");

/// <summary>
/// Small limits: 3 contacts in a first run, 2 in later ones, 6 pushed in total; remote cards fetched 2 at a time, so a run
/// stops downloading at its limit between chunks as well as inside one; CardDAV answers of at most 20,000 bytes.
/// </summary>
public abstract class LimitedSyncApplication : SyncApplication
{
    public const int MaxResponseBytes = 20_000;

    protected LimitedSyncApplication(string provider)
        : base(provider, firstRunLimit: 3, runLimit: 2, pushLimit: 6)
    {
        Settings["ContactSync:FetchChunk"] = "2";
        Settings["ContactSync:MaxResponseBytes"] = MaxResponseBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteLimitedSyncApplication() : LimitedSyncApplication("sqlite");

public sealed class PostgresLimitedSyncApplication() : LimitedSyncApplication("postgres");

/// <summary>Short overall deadlines: 15 s to find an address book, 15 s for a run (requests themselves may take 20 s).</summary>
public sealed class SqliteDeadlineSyncApplication : SyncApplication
{
    public SqliteDeadlineSyncApplication()
        : base("sqlite")
    {
        Settings["ContactSync:DiscoveryTimeout"] = "00:00:15";
        Settings["ContactSync:RunTimeout"] = "00:00:15";
    }
}
