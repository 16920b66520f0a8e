using System.Data.Common;
using System.Text.Json;
using CrmActors.Runtime.Storage;
using Dapper;

namespace CrmActors.Grains.Backups;

/// <summary>Where a restore is: its phase ("records", "files", "done"), the module position and rows done in it, and the next report item number.</summary>
public sealed record RestoreCursor(string Phase, int Module, long Rows, long Seq)
{
    public const string Records = "records";
    public const string Files = "files";
    public const string Done = "done";

    public static RestoreCursor Start { get; } = new(Records, 0, 0, 0);

    public static RestoreCursor Parse(string? json) =>
        json is null ? Start : JsonSerializer.Deserialize<RestoreCursor>(json, JsonSerializerOptions.Web) ?? Start;
}

/// <summary>
/// The counts and report items of a restore, saved with the resume cursor in the same transaction as
/// each batch of writes: a resumed restore neither loses nor double-counts a batch.
/// </summary>
public sealed class RestoreProgress(RestoreRow restore, string jobId, int attempt, IDatabase database)
{
    private readonly List<RestoreItem> _items = [];

    public RestoreCounts Counts { get; set; } = restore.Counts;

    public RestoreCursor Cursor { get; private set; } = RestoreCursor.Parse(restore.Cursor);

    public void Add(RestoreItem item) => _items.Add(item);

    /// <summary>
    /// Inside a batch transaction, before it writes: locks the job's row and stops this run if a later
    /// attempt has claimed the job (its lease lapsed), so two runs never both commit a batch.
    /// </summary>
    public async Task FenceAsync(DbConnection connection, DbTransaction transaction)
    {
        var current = await connection.ExecuteScalarAsync<long?>(
            $"SELECT attempts FROM jobs WHERE id = @jobId AND status = 'running' {database.ForUpdate}", new { jobId }, transaction);
        if (current != attempt)
        {
            throw new OperationCanceledException($"Restore {restore.Id} was taken over by attempt {current} of its job; this run stops.");
        }
    }

    public async Task SaveAsync(DbConnection connection, DbTransaction transaction, string phase, int module, long rows)
    {
        var cursor = new RestoreCursor(phase, module, rows, Cursor.Seq + _items.Count);
        await RestoreStore.SaveProgressAsync(connection, transaction, restore.OrgId, restore.Id, Counts,
            JsonSerializer.Serialize(cursor, JsonSerializerOptions.Web), Cursor.Seq, _items);
        Cursor = cursor;
        _items.Clear();
    }
}
