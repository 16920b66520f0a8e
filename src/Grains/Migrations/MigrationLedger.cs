using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Storage;
using Dapper;
using Npgsql;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A job's ledger in the <c>migration_ledger</c> table. Lookups read it through a bounded cache of the
/// entries batches asked about: an entry never changes once written, so what one batch loaded still
/// holds for the next (every ticket of a batch names one of the same few contacts, say), and a pass of
/// millions of rows never holds the whole ledger. <see cref="AddAsync"/> writes a batch's entries and
/// says which source IDs it already had, in the batch's transaction.
/// </summary>
public sealed class MigrationLedger(IDatabase database, string jobId) : IMigrationLedger
{
    private const int CacheLimit = 50_000;

    private static readonly string[] Columns = ["job_id", "module", "source_id", "new_id", "pass", "part", "row_number", "note"];

    private readonly Dictionary<(string, string), string> _cache = [];

    public bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId) => _cache.TryGetValue((module, sourceId), out newId);

    public async Task LoadAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken)
    {
        var missing = keys.Where(k => !_cache.ContainsKey(k)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        if (_cache.Count + missing.Count > CacheLimit)
        {
            _cache.Clear();
            missing = [.. keys];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var group in missing.GroupBy(k => k.Module))
        {
            foreach (var (sourceId, newId) in await FindAsync(connection, null, group.Key, [.. group.Select(k => k.SourceId)]))
            {
                _cache[(group.Key, sourceId)] = newId;
            }
        }
    }

    /// <summary>
    /// Adds one module's entries (source IDs distinct) of a pass's part unless the ledger has their source ID already;
    /// returns those it had, with the ID they were migrated as. An entry is also its row's report line (the row, and the
    /// note of its error column). One statement on PostgreSQL, whose unique-key check is the only lookup.
    /// </summary>
    public async Task<Dictionary<string, string>> AddAsync(DbConnection connection, DbTransaction transaction, string module, int pass, int part,
        IReadOnlyList<(string SourceId, string NewId, long Row, string? Note)> entries)
    {
        var had = new List<string>();
        if (connection is NpgsqlConnection)
        {
            var added = (await connection.QueryAsync<string>(
                """
                INSERT INTO migration_ledger (job_id, module, source_id, new_id, pass, part, row_number, note)
                SELECT @jobId, @module, e.source_id, e.new_id, @pass, @part, e.row_number, e.note
                FROM unnest(@sourceIds, @newIds, @rows, @notes) AS e(source_id, new_id, row_number, note)
                ON CONFLICT DO NOTHING RETURNING source_id
                """,
                new
                {
                    jobId, module, pass, part, sourceIds = entries.Select(e => e.SourceId).ToArray(), newIds = entries.Select(e => e.NewId).ToArray(),
                    rows = entries.Select(e => e.Row).ToArray(), notes = entries.Select(e => e.Note).ToArray(),
                }, transaction)).ToHashSet(StringComparer.Ordinal);
            had.AddRange(entries.Where(e => !added.Contains(e.SourceId)).Select(e => e.SourceId));
        }
        else
        {
            var unchanged = await BulkInsert.InsertPreparedAsync(connection, transaction, "migration_ledger", Columns,
                entries.Select(e => new object?[] { jobId, module, e.SourceId, e.NewId, pass, part, e.Row, e.Note }), " ON CONFLICT DO NOTHING", default);
            had.AddRange(unchanged.Select(i => entries[i].SourceId));
        }

        return had.Count == 0 ? [] : (await FindAsync(connection, transaction, module, had)).ToDictionary(e => e.SourceId, e => e.NewId, StringComparer.Ordinal);
    }

    /// <summary>The entries of <paramref name="sourceIds"/> in one module, one key probe each (see <see cref="RestoreIds.QueryByUniqueKeyAsync"/>).</summary>
    private Task<List<(string SourceId, string NewId)>> FindAsync(DbConnection connection, DbTransaction? transaction, string module, IReadOnlyCollection<string> sourceIds) =>
        RestoreIds.QueryByUniqueKeyAsync<(string, string)>(connection, transaction, "source_id, new_id", "migration_ledger", "job_id = @jobId AND module = @module", "source_id",
            new { jobId, module }, sourceIds);
}
