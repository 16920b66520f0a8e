using System.Globalization;
using CrmActors.Grains.Attachments;

namespace CrmActors.Grains.Backups;

/// <summary>One row of <c>files.csv</c>, sanitized: which record (and upload field, if any) a file belongs to, and where it is in the Attachments ZIP.</summary>
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
            // The name and type are the uploader's words: stored only once made safe (a "../../x" name would otherwise
            // become a zip-slip entry of every later backup). The size is what the copy measures, never this cell.
            ? new FileLink(record, module, Cell("field"), file, FileNames.Safe(name), FileNames.SafeContentType(Cell("content_type")),
                long.TryParse(Cell("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0, sha256, path,
                DateTimeOffset.TryParse(Cell("created_time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeMilliseconds() : null,
                Cell("created_by"))
            : null;
    }
}
