using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Runs;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Where a restore is. Records: <see cref="Phase"/> "records" while rows remain, at module position <see cref="Module"/>
/// with <see cref="Rows"/> of its rows done; "files" once every row is, and "done" once the files are too. Files, written
/// beside the records: <see cref="FileRows"/> rows of the file links done, <see cref="FilesDone"/> when all are.
/// <see cref="Seq"/> is the next report item's number.
/// </summary>
public sealed record RestoreCursor(string Phase, int Module, long Rows, long Seq, long FileRows = 0, bool FilesDone = false)
{
    public const string Records = "records";
    public const string Files = "files";
    public const string Done = "done";

    public static RestoreCursor Start { get; } = new(Records, 0, 0, 0);

    public bool RecordsDone => Phase != Records;

    public bool FilesFinished => Phase == Done || FilesDone;

    public static RestoreCursor Parse(string? json)
    {
        var cursor = json is null ? Start : JsonSerializer.Deserialize<RestoreCursor>(json, JsonSerializerOptions.Web) ?? Start;
        // A restore saved by a build that wrote files after records kept the file rows done in Rows.
        return cursor is { Phase: Files, Rows: > 0, FileRows: 0 } ? cursor with { FileRows = cursor.Rows, Rows = 0 } : cursor;
    }

    /// <summary>The records writer's part: at module position <paramref name="module"/>, <paramref name="rows"/> done; <paramref name="done"/> when all are.</summary>
    public RestoreCursor WithRecords(bool done, int module, long rows) =>
        this with { Phase = !done ? Records : FilesFinished ? Done : Files, Module = module, Rows = rows };

    /// <summary>The files writer's part: <paramref name="rows"/> rows of the file links done; <paramref name="done"/> when all are.</summary>
    public RestoreCursor WithFiles(bool done, long rows) =>
        this with { FileRows = rows, FilesDone = done, Phase = done && RecordsDone ? Done : Phase };
}

/// <summary>
/// One writer's counts and report items since its last save, saved with its part of the resume cursor in the same
/// transaction as each batch of its writes: a resumed restore neither loses nor double-counts a batch. The records and
/// the files are written at once, each with its own progress; a save adds to the stored counts and numbers its items
/// after the stored ones, under the restore row's lock, so the two never overwrite each other. Each save also tells the
/// run how far the restore is, for the dashboards: rows and file links counted so far, of <paramref name="expected"/>.
/// </summary>
public sealed class RestoreProgress(RestoreRow restore, RunContext job, long expected, int maxRemapItems)
{
    private readonly List<RestoreItem> _items = [];
    private RestoreCounts? _savedTotal;

    /// <summary>This writer's counts since its last save.</summary>
    public RestoreCounts Counts { get; set; } = new();

    /// <summary>The cursor this run resumed from (the start, for a new restore); saves write the stored one, not this.</summary>
    public RestoreCursor Resumed { get; } = RestoreCursor.Parse(restore.Cursor);

    public void Add(RestoreItem item) => _items.Add(item);

    /// <summary>Inside a batch transaction, before it writes: stops this run if another run of the job took it over.</summary>
    public Task FenceAsync(DbConnection connection, DbTransaction transaction) => job.FenceAsync(connection, transaction);

    /// <summary>Saves this writer's part of the cursor (<paramref name="advance"/> of the stored one), counts and items; call <see cref="Saved"/> once committed.</summary>
    public async Task SaveAsync(DbConnection connection, DbTransaction transaction, Func<RestoreCursor, RestoreCursor> advance)
    {
        var (storedCounts, storedCursor) = await RestoreStore.LockProgressAsync(connection, transaction, restore.OrgId, restore.Id);
        var stored = RestoreCursor.Parse(storedCursor);
        var kept = Kept(storedCounts);
        var cursor = advance(stored) with { Seq = stored.Seq + kept.Count };
        var total = storedCounts.Plus(Counts);
        await RestoreStore.SaveProgressAsync(connection, transaction, restore.OrgId, restore.Id, total,
            JsonSerializer.Serialize(cursor, JsonSerializerOptions.Web), stored.Seq, kept);
        _savedTotal = total;
    }

    /// <summary>This save's items: every failed row and warning, and the remaps that fit under <see cref="BackupOptions.RestoreRemapItems"/> after the stored ones.</summary>
    private List<RestoreItem> Kept(RestoreCounts stored)
    {
        var room = maxRemapItems - stored.Remapped;
        var kept = new List<RestoreItem>(_items.Count);
        foreach (var item in _items)
        {
            if (item.Kind != RestoreItemKinds.Remap || room-- > 0)
            {
                kept.Add(item);
            }
        }

        return kept;
    }

    /// <summary>After the transaction of <see cref="SaveAsync"/> committed: what it saved is no longer this writer's to save.</summary>
    public void Saved()
    {
        var total = _savedTotal!;
        var done = total.Created + total.Updated + total.Skipped + total.Failed + total.FilesCreated + total.FilesUpdated + total.FilesSkipped + total.FilesFailed;
        _ = job.ReportProgressAsync(expected <= 0 ? 0 : Math.Min(0.99, (double)done / expected));
        Counts = new();
        _items.Clear();
        _savedTotal = null;
    }
}
