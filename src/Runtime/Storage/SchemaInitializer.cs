using Dapper;

namespace CrmActors.Runtime.Storage;

/// <summary>Applies every contributor's DDL once per start, serialized across nodes on PostgreSQL.</summary>
public sealed class SchemaInitializer(IDatabase database, IEnumerable<ISchemaContributor> contributors)
{
    private const long SchemaLockId = 0x43524D5F534348; // "CRM_SCH"

    public async Task ApplyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (database.Provider == StorageProvider.Postgres)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@id)", new { id = SchemaLockId }, transaction);
        }

        foreach (var statement in contributors.SelectMany(c => c.Statements(database.Provider)))
        {
            await connection.ExecuteAsync(statement, transaction: transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
