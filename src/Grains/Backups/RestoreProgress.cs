using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Runs;

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
public sealed class RestoreProgress(RestoreRow restore, RunContext job)
{
    private readonly List<RestoreItem> _items = [];

    public RestoreCounts Counts { get; set; } = restore.Counts;

    public RestoreCursor Cursor { get; private set; } = RestoreCursor.Parse(restore.Cursor);

    public void Add(RestoreItem item) => _items.Add(item);

    /// <summary>Inside a batch transaction, before it writes: stops this run if another run of the job took it over.</summary>
    public Task FenceAsync(DbConnection connection, DbTransaction transaction) => job.FenceAsync(connection, transaction);

    public async Task SaveAsync(DbConnection connection, DbTransaction transaction, string phase, int module, long rows)
    {
        var cursor = new RestoreCursor(phase, module, rows, Cursor.Seq + _items.Count);
        await RestoreStore.SaveProgressAsync(connection, transaction, restore.OrgId, restore.Id, Counts,
            JsonSerializer.Serialize(cursor, JsonSerializerOptions.Web), Cursor.Seq, _items);
        Cursor = cursor;
        _items.Clear();
    }
}
