using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Backups;

/// <summary>Backup settings (<c>Backups:*</c>); every limit is a setting with the specified default.</summary>
public sealed class BackupOptions
{
    /// <summary>HMAC key for download links; when empty one is generated once and kept in the database, shared by every node.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Rows per CSV file; a module with more is split into numbered files.</summary>
    public int RowsPerCsv { get; set; } = 100_000;

    /// <summary>No ZIP part is larger than this (1 GB); larger backups come as numbered parts.</summary>
    public long MaxPartBytes { get; set; } = 1_000_000_000;

    /// <summary>
    /// Backups a plan includes per calendar month, by plan (SPEC §1: free 0, ultimate 4, the other paid plans 2);
    /// set one with <c>Backups__IncludedPerMonth__professional=3</c>.
    /// </summary>
    public Dictionary<string, int> IncludedPerMonth { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [Plans.Free] = 0, [Plans.Standard] = 2, [Plans.Professional] = 2, [Plans.Enterprise] = 2, [Plans.Ultimate] = 4,
    };

    /// <summary>How long download links work after a backup is ready.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The largest uploaded backup ZIP a restore accepts.</summary>
    public long MaxRestoreUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Records written per restore transaction (a resume point).</summary>
    public int RestoreBatchSize { get; set; } = 5000;

    /// <summary>
    /// The most remap items a restore's report keeps. A restore into another org remaps every row: at 10M rows, items
    /// no report would show, written at a cost. The count stays exact and the ledger (<c>backup_id_map</c>) keeps every
    /// remap. Failed rows and warnings are never capped: the report lists every row not restored, and why.
    /// </summary>
    public int RestoreRemapItems { get; set; } = 100_000;

    /// <summary>Entries kept in the history and backups kept in the list.</summary>
    public int HistoryLimit { get; set; } = 1000;

    public int BackupsKept { get; set; } = 50;

    /// <summary>Restores kept per organization, with their reports: once one finishes, finished ones past the newest this many go.</summary>
    public int RestoresKept { get; set; } = 50;
}
