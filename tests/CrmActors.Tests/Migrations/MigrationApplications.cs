using CrmActors.Tests.Support;

namespace CrmActors.Tests.Migrations;

/// <summary>Hosts with small migration limits (one change request a job), a short start delay (a window to cancel in) and a second pass seconds after the first.</summary>
public abstract class MigrationApplication : CrmApplication
{
    public const int MaxFiles = 4;
    public const long MaxFileBytes = 4096;
    public const long MaxTotalBytes = 8192;
    public const long TrialMaxTotalBytes = 3000;

    protected MigrationApplication(string provider)
        : base(provider)
    {
        Settings["Migration:MaxFiles"] = MaxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Migration:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Migration:MaxTotalBytes"] = MaxTotalBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Migration:TrialMaxTotalBytes"] = TrialMaxTotalBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Migration:StartDelay"] = "00:00:02";
        Settings["Migration:SecondPassDelay"] = "00:00:04";
        Settings["Migration:BatchSize"] = "2";
        Settings["Migration:MaxChangeRequests"] = "1";
        Settings["Migration:IntegrationsRecheck"] = "00:00:02";
    }
}

public sealed class SqliteMigrationApplication() : MigrationApplication("sqlite");

public sealed class PostgresMigrationApplication() : MigrationApplication("postgres");
