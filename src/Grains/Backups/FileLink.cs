using System.Globalization;

namespace CrmActors.Grains.Backups;

/// <summary>One row of <c>files.csv</c>: which record (and upload field, if any) a file belongs to, and where it is in the Attachments ZIP.</summary>
public sealed record FileLink(
    string RecordId, string Module, string? Field, string FileId, string FileName, string ContentType, long Size, string Sha256, string Path,
    long? CreatedAt, string? CreatedBy)
{
    /// <summary>The link in <paramref name="row"/>, or null when a required column is empty.</summary>
    public static FileLink? From(BackupCsvRow row)
    {
        string? Cell(string name) => Array.IndexOf(row.Header, name) is >= 0 and var i && i < row.Cells.Length ? row.Cells[i] : null;

        return (Cell("record_id"), Cell("module"), Cell("file_id"), Cell("file_name"), Cell("sha256"), Cell("path")) is
            ({ } record, { } module, { } file, { } name, { } sha256, { } path)
            ? new FileLink(record, module, Cell("field"), file, name, Cell("content_type") ?? "application/octet-stream",
                long.TryParse(Cell("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0, sha256, path,
                DateTimeOffset.TryParse(Cell("created_time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeMilliseconds() : null,
                Cell("created_by"))
            : null;
    }
}
