using System.Reflection;
using CrmActors.Grains.Storage;
using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CrmActors.Silo.Schema;

/// <summary>
/// Brings the database to the current schema with DbUp: our tables, then Orleans's vendored scripts
/// (clustering, grain storage, reminders), each applied once and journaled in <c>schemaversions</c>.
/// On PostgreSQL an advisory lock serializes silos that start together; the second sees the first's journal.
/// </summary>
public sealed class SchemaMigrator(StorageOptions storage, ILogger<SchemaMigrator> logger)
{
    private const long LockId = 0x43524D5F534348; // "CRM_SCH"

    /// <summary>Scripts in the order they apply; a name is never renamed, reordered or edited once released.</summary>
    private static readonly string[] PostgresScripts =
        ["Crm.0001-crm-tables", "Orleans.PostgreSQL-Main", "Orleans.PostgreSQL-Clustering", "Orleans.PostgreSQL-Persistence", "Orleans.PostgreSQL-Reminders", "Crm.0002-migrations", "Crm.0003-mail", "Crm.0004-contact-sync", "Crm.0005-migration-ledger-lines",
         "Crm.0006-restore-items-by-kind.postgres"];

    private static readonly string[] SqliteScripts =
        ["Crm.0001-crm-tables", "Orleans.Sqlite-Main", "Orleans.Sqlite-Persistence", "Orleans.Sqlite-Reminders", "Crm.0002-migrations", "Crm.0003-mail", "Crm.0004-contact-sync", "Crm.0005-migration-ledger-lines",
         "Crm.0006-restore-items-by-kind.sqlite"];

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (storage.Provider == StorageProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(storage.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({LockId})", connection))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            try
            {
                Run(DeployChanges.To.PostgresqlDatabase(storage.ConnectionString), PostgresScripts);
            }
            finally
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockId})", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        else
        {
            var path = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            Run(DeployChanges.To.SqliteDatabase(storage.ConnectionString), SqliteScripts);
        }
    }

    private void Run(UpgradeEngineBuilder builder, string[] names)
    {
        var engine = builder
            // DbUp applies scripts in name order: the position makes the journaled name sort as listed.
            .WithScripts(names.Select((name, i) => Load(name, i + 1)))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .LogTo(new DbUpLog(logger))
            .Build();
        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"The schema migration failed at {result.ErrorScript?.Name}: {result.Error.Message}", result.Error);
        }
    }

    private static SqlScript Load(string name, int position)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = $"{assembly.GetName().Name}.Schema.{name}.sql";
        using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"Schema script {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        return new SqlScript($"{position:0000} {name}", reader.ReadToEnd());
    }

    private sealed class DbUpLog(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);

        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);

        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);

        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);

        public void LogError(string format, params object[] args) => logger.LogError(format, args);

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
