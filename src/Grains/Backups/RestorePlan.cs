using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CrmActors.Grains.Backups;

/// <summary>A backed-up module and the module of this organization it restores into (null when the org has no such module).</summary>
public sealed record PlannedModule(ManifestModule Backup, ModuleDefinition? Target);

/// <summary>
/// What the plan decided for one backed-up record ID: the module position of the row that holds it, its new ID when
/// remapped, whether a record with its final ID already exists here, why it will not be restored, and the optional
/// lookups of its row that are cleared (field → reason).
/// </summary>
public readonly record struct PlanEntry(int Module, string? NewId, bool Present, string? Failure, Dictionary<string, string>? Cleared)
{
    /// <summary>Module of a lookup target outside the backup that the ledger remaps: never restored, only its new ID counts.</summary>
    public const int Outside = -1;

    /// <summary>True when some row of the backup with this ID will be restored.</summary>
    public bool Restores => Module != Outside && Failure is null;
}

/// <summary>A row the planner read: its ID, module position and row, and why it cannot be restored (null: it can).</summary>
public readonly record struct PlanRow(string Id, int Module, long Ordinal, string? Failure)
{
    public string? NewId { get; init; }

    public bool ByLedger { get; init; }

    public bool Present { get; init; }
}

/// <summary>A lookup of a row that will be checked once every row is planned: the row, the field, the ID it points at.</summary>
public readonly record struct PlanReference(long Seq, string Source, long Ordinal, string Field, string Target, string LookupModule, bool Required);

/// <summary>
/// What a restore will do, decided before anything is written: the modules in restore order, and for every backed-up
/// record ID which row restores it, its new ID and why it will not be restored. Those decisions are kept in temporary
/// tables of one database connection the plan holds (not in process memory, where a 10M-row restore peaked at 680 MB, 1.2 GB into another org),
/// joined in the database where they meet each other or the org's records, and read back a batch of IDs at a time.
/// The tables go with the connection. The backup's files are few (each one a blob) and stay in memory.
/// </summary>
public sealed class RestorePlan : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string RowsSavepoint = "restore_plan_rows";

    private static readonly string[] RowColumns = ["id", "module", "ordinal", "new_id", "ledger", "present", "failure"];

    private readonly DbConnection _connection;
    // The records and the files are written at once, and both read the plan on its one connection: one read at a time.
    private readonly SemaphoreSlim _reads = new(1, 1);
    private readonly Dictionary<string, string> _fileLedgerRemaps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fileNewRemaps = new(StringComparer.Ordinal);

    private RestorePlan(IReadOnlyList<PlannedModule> modules, DbConnection connection, string suffix)
    {
        Modules = modules;
        _connection = connection;
        Rows = "restore_plan_rows_" + suffix;
        References = "restore_plan_refs_" + suffix;
    }

    public IReadOnlyList<PlannedModule> Modules { get; }

    /// <summary>The plan's connection: its temporary tables are visible to it alone.</summary>
    public DbConnection Connection => _connection;

    /// <summary>Temporary table of planned record IDs: id, module, ordinal, new_id, ledger, present, failure, round, cleared.</summary>
    public string Rows { get; }

    /// <summary>Temporary table of the lookups of the rows to restore: seq, source, field, target, lookup_module, required.</summary>
    public string References { get; }

    /// <summary>Name for a temporary table of this plan's (<paramref name="purpose"/> a lowercase word).</summary>
    public string Scratch(string purpose) => References.Replace("_refs_", $"_{purpose}_", StringComparison.Ordinal);

    public bool IsPostgres => _connection is NpgsqlConnection;

    /// <summary>Backed-up file IDs that will exist after the restore (restored from the Attachments ZIP or already present).</summary>
    public HashSet<string> RestorableFiles { get; } = new(StringComparer.Ordinal);

    public static async Task<RestorePlan> CreateAsync(IDatabase database, IReadOnlyList<PlannedModule> modules, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        var plan = new RestorePlan(modules, connection, Guid.NewGuid().ToString("N"));
        try
        {
            var keyed = plan.IsPostgres ? "" : " WITHOUT ROWID";
            // SQLite keeps temporary tables in memory unless told otherwise; the plan's go to a file like any table.
            await connection.ExecuteAsync((plan.IsPostgres ? "" : "PRAGMA temp_store = FILE; PRAGMA temp.cache_size = -16000; ") +
                $"""
                CREATE TEMP TABLE {plan.Rows} (
                  id TEXT NOT NULL PRIMARY KEY, module BIGINT NOT NULL, ordinal BIGINT NOT NULL, new_id TEXT, ledger BIGINT NOT NULL,
                  present BIGINT NOT NULL, failure TEXT, round BIGINT, cleared TEXT){keyed};
                CREATE TEMP TABLE {plan.References} (
                  seq BIGINT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL, target TEXT NOT NULL, lookup_module TEXT NOT NULL, required BIGINT NOT NULL);
                """);
            return plan;
        }
        catch
        {
            await plan.DisposeAsync();
            throw;
        }
    }

    /// <summary>A transaction on the plan's connection that writes only its temporary tables (on SQLite it takes no lock on the database).</summary>
    public async Task<DbTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        _connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: true) : await _connection.BeginTransactionAsync(cancellationToken);

    /// <summary>
    /// Set-based statements over the whole plan (the lookup check, the plan's index): at 10M rows they take minutes,
    /// not the 30 s a command may take by default.
    /// </summary>
    public const int WholePlanTimeout = 3600;

    /// <summary>
    /// Adds planned rows; a row whose ID is already planned (an earlier row of the backup has it) is left out. Returns the
    /// rows (of the one module the batch is from) left out, by row.
    /// </summary>
    public async Task<HashSet<long>> AddRowsAsync(DbTransaction transaction, IReadOnlyList<PlanRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        HasRecordRemaps |= rows.Any(r => r.NewId is not null);
        HasNewRecordRemaps |= rows.Any(r => r.NewId is not null && !r.ByLedger);

        if (IsPostgres)
        {
            // Binary COPY; a later row of the backup with an ID an earlier batch planned makes it fail, and the batch then
            // goes in again by one INSERT that leaves such rows out.
            await transaction.SaveAsync(RowsSavepoint, cancellationToken);
            try
            {
                await BulkInsert.InsertAsync(_connection, transaction, Rows, RowColumns,
                    rows.Select(r => new object?[] { r.Id, (long)r.Module, r.Ordinal, r.NewId, r.ByLedger ? 1L : 0L, r.Present ? 1L : 0L, r.Failure }), cancellationToken);
                await transaction.ReleaseAsync(RowsSavepoint, cancellationToken);
                return [];
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await transaction.RollbackAsync(RowsSavepoint, cancellationToken);
            }

            var inserted = await _connection.QueryAsync<long>(
                $"""
                INSERT INTO {Rows} (id, module, ordinal, new_id, ledger, present, failure)
                SELECT * FROM unnest(@ids, @modules, @ordinals, @newIds, @ledger, @present, @failures) ON CONFLICT (id) DO NOTHING RETURNING ordinal
                """,
                new
                {
                    ids = rows.Select(r => r.Id).ToArray(), modules = rows.Select(r => (long)r.Module).ToArray(), ordinals = rows.Select(r => r.Ordinal).ToArray(),
                    newIds = rows.Select(r => r.NewId).ToArray(), ledger = rows.Select(r => r.ByLedger ? 1L : 0L).ToArray(),
                    present = rows.Select(r => r.Present ? 1L : 0L).ToArray(), failures = rows.Select(r => r.Failure).ToArray(),
                },
                transaction);
            var left = rows.Select(r => r.Ordinal).ToHashSet();
            left.ExceptWith(inserted);
            return left;
        }

        var unchanged = await BulkInsert.InsertPreparedAsync(_connection, transaction, Rows, RowColumns,
            rows.Select(r => new object?[] { r.Id, (long)r.Module, r.Ordinal, r.NewId, r.ByLedger ? 1L : 0L, r.Present ? 1L : 0L, r.Failure }),
            " ON CONFLICT DO NOTHING", cancellationToken);
        return [.. unchanged.Select(i => rows[i].Ordinal)];
    }

    public Task AddReferencesAsync(DbTransaction transaction, IReadOnlyList<PlanReference> references, CancellationToken cancellationToken) =>
        references.Count == 0
            ? Task.CompletedTask
            : BulkInsert.InsertAsync(_connection, transaction, References, ["seq", "source", "field", "target", "lookup_module", "required"],
                references.Select(r => new object?[] { r.Seq, r.Source, r.Field, r.Target, r.LookupModule, r.Required ? 1L : 0L }),
                cancellationToken);

    /// <summary>The plan's entries for those of <paramref name="ids"/> it has (IDs of the backup, and outside IDs the ledger remaps).</summary>
    public async Task<Dictionary<string, PlanEntry>> EntriesAsync(IReadOnlyCollection<string> ids)
    {
        // One index probe per ID: the planner reads the whole temporary table for a list of IDs (it has no statistics of it while it grows).
        var rows = await ReadAsync(() => RestoreIds.QueryByUniqueKeyAsync<(string Id, long Module, string? NewId, long Present, string? Failure, string? Cleared)>(
            _connection, null, "id, module, new_id, present, failure, cleared", Rows, "1 = 1", "id", new { }, ids));
        var entries = new Dictionary<string, PlanEntry>(rows.Count, StringComparer.Ordinal);
        foreach (var r in rows)
        {
            entries[r.Id] = new PlanEntry((int)r.Module, r.NewId, r.Present != 0, r.Failure, ParseCleared(r.Cleared));
        }

        return entries;
    }

    /// <summary>Called once the plan is complete: indexes the rows by their place in the backup, for <see cref="RowEntriesAsync"/>.</summary>
    public Task CompleteAsync() =>
        _connection.ExecuteAsync($"CREATE INDEX {Rows}_place ON {Rows} (module, ordinal)", commandTimeout: WholePlanTimeout);

    /// <summary>
    /// True when some record ID (of the backup, or a lookup target outside it) may get a new ID; when none does, a lookup
    /// value is its own final ID and needs no entry. Noted as rows are added (rows left out as repeats may count).
    /// </summary>
    public bool HasRecordRemaps { get; private set; }

    /// <summary>True when this restore may have given record IDs new remaps, which the ledger does not have yet.</summary>
    public bool HasNewRecordRemaps { get; private set; }

    /// <summary>
    /// Adds the lookup targets outside the backup that an earlier restore remapped (the ledger's): the plan gives them
    /// their new ID, never a row.
    /// </summary>
    public async Task AddOutsideRemapsAsync(string orgId)
    {
        var added = await _connection.ExecuteAsync(
            $"""
            INSERT INTO {Rows} (id, module, ordinal, new_id, ledger, present, failure)
            SELECT DISTINCT l.target, {PlanEntry.Outside}, 0, m.new_id, 1, 0, 'outside'
            FROM {References} l JOIN backup_id_map m ON m.org_id = @org AND m.old_id = l.target
            WHERE NOT EXISTS (SELECT 1 FROM {Rows} t WHERE t.id = l.target)
            """,
            new { org = orgId }, commandTimeout: WholePlanTimeout);
        HasRecordRemaps |= added > 0;
    }

    /// <summary>
    /// The entries of the rows of module position <paramref name="module"/> after row <paramref name="after"/>, up to row
    /// <paramref name="through"/>, by row: one range of the index. A row with no entry repeats an earlier row's ID.
    /// </summary>
    public async Task<Dictionary<long, (string Id, PlanEntry Entry)>> RowEntriesAsync(int module, long after, long through)
    {
        var rows = await ReadAsync(() => _connection.QueryAsync<(string Id, long Ordinal, string? NewId, long Present, string? Failure, string? Cleared)>(
            $"SELECT id, ordinal, new_id, present, failure, cleared FROM {Rows} WHERE module = @module AND ordinal > @after AND ordinal <= @through",
            new { module = (long)module, after, through }));
        return rows.ToDictionary(r => r.Ordinal, r => (r.Id, new PlanEntry(module, r.NewId, r.Present != 0, r.Failure, ParseCleared(r.Cleared))));
    }

    private async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        await _reads.WaitAsync();
        try
        {
            return await read();
        }
        finally
        {
            _reads.Release();
        }
    }

    public static Dictionary<string, string>? ParseCleared(string? cleared) =>
        cleared is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(cleared, Json);

    public static string FormatCleared(Dictionary<string, string> cleared) => JsonSerializer.Serialize(cleared, Json);

    /// <summary>The record ID a lookup value gets: its remap when the plan has one.</summary>
    public static string Final(Dictionary<string, PlanEntry> entries, string id) => entries.TryGetValue(id, out var entry) && entry.NewId is { } @new ? @new : id;

    /// <summary>The ID a backed-up file gets: its own, or its remap.</summary>
    public string FinalFile(string oldId) => _fileNewRemaps.TryGetValue(oldId, out var @new) || _fileLedgerRemaps.TryGetValue(oldId, out @new) ? @new : oldId;

    public bool IsFileRemapped(string oldId) => _fileNewRemaps.ContainsKey(oldId) || _fileLedgerRemaps.ContainsKey(oldId);

    /// <summary>The ledger's remap of a file (an earlier restore's, or another run's saved first): it replaces one this restore made.</summary>
    public void RemapFileByLedger(string oldId, string newId)
    {
        _fileNewRemaps.Remove(oldId);
        _fileLedgerRemaps[oldId] = newId;
    }

    /// <summary>Gives a file ID taken by another organization or record a new ID.</summary>
    public void RemapFileAnew(string oldId) => _fileNewRemaps[oldId] = Ids.New();

    /// <summary>The file remaps this restore made (old ID → new ID), not yet in the ledger.</summary>
    public IEnumerable<KeyValuePair<string, string>> NewFileRemaps => _fileNewRemaps;

    public bool InScope(string module) => Modules.Any(m => m.Target is not null && m.Backup.Name == module);

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A pooled connection keeps its temporary tables: they go now, not when the pool closes it.
            if (_connection.State == System.Data.ConnectionState.Open)
            {
                await _connection.ExecuteAsync($"DROP TABLE IF EXISTS {Rows}; DROP TABLE IF EXISTS {References}");
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // A broken or busy connection (a restore cancelled mid-statement) goes back to the pool as it is: on PostgreSQL the
            // pool's reset (DISCARD ALL) drops the tables; on SQLite they stay in its temporary file, under names nothing
            // reuses, until the pool closes it.
        }

        await _connection.DisposeAsync();
        _reads.Dispose();
    }
}
