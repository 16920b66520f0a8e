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

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public string JsonText(string column, string memberParameter) => $"(({column})::jsonb ->> {memberParameter})";

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
