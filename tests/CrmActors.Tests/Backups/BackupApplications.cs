using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>Hosts whose backups come out in many small parts and CSV files, so splitting is exercised by ordinary data.</summary>
public abstract class SmallPartsApplication : CrmApplication
{
    public const long MaxPartBytes = 8 * 1024;
    public const int RowsPerCsv = 4;

    protected SmallPartsApplication(string provider)
        : base(provider)
    {
        Settings["Backups:MaxPartBytes"] = MaxPartBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Backups:RowsPerCsv"] = RowsPerCsv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Backups:RestoreBatchSize"] = "7";
    }
}

public sealed class SqliteSmallPartsApplication() : SmallPartsApplication("sqlite");

public sealed class PostgresSmallPartsApplication() : SmallPartsApplication("postgres");

/// <summary>
/// Hosts that restore in batches of 7 rows (backups in ordinary parts): a few thousand rows take hundreds of batches.
/// Runs write their progress every 200 ms. A restore keeps 4 remap items; an org keeps its 2 newest restores.
/// </summary>
public abstract class SmallBatchesApplication : CrmApplication
{
    protected SmallBatchesApplication(string provider)
        : base(provider)
    {
        Settings["Backups:RestoreBatchSize"] = "7";
        Settings["Runs:HeartbeatInterval"] = "00:00:00.200";
        Settings["Backups:RestoreRemapItems"] = "4";
        Settings["Backups:RestoresKept"] = "2";
    }
}

public sealed class SqliteSmallBatchesApplication() : SmallBatchesApplication("sqlite");

public sealed class PostgresSmallBatchesApplication() : SmallBatchesApplication("postgres");

/// <summary>A host of its own for tests that move the clock far ahead.</summary>
public sealed class SqliteClockApplication() : CrmApplication("sqlite");

public sealed class PostgresClockApplication() : CrmApplication("postgres");

/// <summary>A host of its own for the schedule test, which moves the clock to chosen dates.</summary>
public sealed class SqliteScheduleApplication() : CrmApplication("sqlite");

public sealed class PostgresScheduleApplication() : CrmApplication("postgres");
