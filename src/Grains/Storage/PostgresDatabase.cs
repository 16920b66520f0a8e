using System.Data;
using System.Data.Common;
using Npgsql;

namespace CrmActors.Grains.Storage;

public sealed class PostgresDatabase(NpgsqlDataSource dataSource) : IDatabase, IAsyncDisposable
{
    public StorageProvider Provider => StorageProvider.Postgres;

    public NpgsqlDataSource DataSource => dataSource;

    public string SkipLocked => "FOR UPDATE SKIP LOCKED";

    public string ForShare => "FOR SHARE";

    public string ForUpdate => "FOR UPDATE";

    public string ForKeyShare => "FOR KEY SHARE";

    public Task LockNameAsync(DbConnection connection, DbTransaction transaction, string name) =>
        Dapper.SqlMapper.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", new { name }, transaction);

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public string JsonText(string column, string memberParameter) => $"(({column})::jsonb ->> {memberParameter})";

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
