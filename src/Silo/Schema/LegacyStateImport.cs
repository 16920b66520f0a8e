using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Silo.Schema;

/// <summary>
/// Upgrades a database made by the build before the Orleans port: each row of its <c>grain_state</c>
/// table becomes the state of the same grain in Orleans's storage (the grain also registers the
/// reminders the old runtime kept in its own table), then the old runtime's tables are retired
/// (<c>grain_state</c> kept as <c>legacy_grain_state</c>). Records, tokens, audit, bin and backups'
/// tables are shared with the old build and need nothing. Runs once, after the silo has started;
/// a grain that already has Orleans state keeps it, so a second run changes nothing.
/// </summary>
public sealed class LegacyStateImport(IDatabase database, IGrainFactory grains, ILogger<LegacyStateImport> logger) : IHostedService
{
    /// <summary>The old runtime stored each grain under its class name.</summary>
    private static readonly IReadOnlyDictionary<string, Type> GrainClasses = new[]
    {
        typeof(OrganizationGrain), typeof(BackupScheduleGrain), typeof(CopyKeyGrain), typeof(ConfigCopyInboxGrain), typeof(ConfigTransferGrain),
    }.ToDictionary(t => t.Name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (!await TableExistsAsync(connection, "grain_state"))
        {
            return;
        }

        var rows = (await connection.QueryAsync<(string Type, string Key, string Payload)>(
            "SELECT grain_type, grain_key, payload FROM grain_state WHERE payload IS NOT NULL ORDER BY grain_type, grain_key")).ToList();
        var imported = 0;
        foreach (var (type, key, payload) in rows)
        {
            if (!GrainClasses.TryGetValue(type, out var grainClass))
            {
                logger.LogWarning("Legacy grain state of unknown type {Type} ({Key}) was not imported", type, key);
                continue;
            }

            if (await grains.GetGrain<ILegacyStateImport>(key, grainClass.FullName).ImportLegacyStateAsync(payload))
            {
                imported++;
            }
        }

        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await TableExistsAsync(connection, "grain_state", transaction))
        {
            await connection.ExecuteAsync("ALTER TABLE grain_state RENAME TO legacy_grain_state", transaction: transaction);
        }

        foreach (var table in new[] { "grain_reminders", "jobs", "silos" })
        {
            await connection.ExecuteAsync($"DROP TABLE IF EXISTS {table}", transaction: transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Upgraded {Imported} of {Rows} grain states from the pre-Orleans database", imported, rows.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool> TableExistsAsync(System.Data.Common.DbConnection connection, string table, System.Data.Common.DbTransaction? transaction = null) =>
        await connection.ExecuteScalarAsync<long>(
            database.Provider == StorageProvider.Postgres
                ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @table"
                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table",
            new { table }, transaction) > 0;
}
