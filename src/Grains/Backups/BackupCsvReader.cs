using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Backups;

/// <summary>One data row of a backup CSV: its file, its 1-based row number in that file, the file's header and the cells (neutralization undone, empty as null).</summary>
public sealed record BackupCsvRow(string File, long Row, string[] Header, string?[] Cells);

/// <summary>Streams the rows of a backup's CSV files (UTF-8, BOM optional, RFC 4180), one file after another.</summary>
public static class BackupCsvReader
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IAsyncEnumerable<BackupCsvRow> ReadAsync(RestoreSource source, IEnumerable<string> files, CancellationToken cancellationToken) =>
        ReadAsync(source, files.Select(f => (f, (string?)null)), cancellationToken);

    /// <summary>Reads the files and checks each against its SHA-256 in the manifest as its last row is read.</summary>
    public static IAsyncEnumerable<BackupCsvRow> ReadVerifiedAsync(RestoreSource source, IEnumerable<string> files, CancellationToken cancellationToken) =>
        ReadAsync(source, files.Select(f => (f, (string?)(source.Manifest.Files.FirstOrDefault(m => m.Name == f)?.Sha256
            ?? throw new InvalidBackupException($"{f} is not listed in manifest.json.")))), cancellationToken);

    private static async IAsyncEnumerable<BackupCsvRow> ReadAsync(
        RestoreSource source, IEnumerable<(string File, string? Sha256)> files, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var (file, sha256) in files)
        {
            var stream = new HashingReadStream(await source.OpenDataAsync(file));
            await using var owned = stream;
            using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, 1 << 16);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                DetectColumnCountChanges = false,
                MissingFieldFound = null,
                BadDataFound = context => throw Invalid(file, CsvCells.DataRow(context.Context)),
                MaxFieldSize = CsvCells.MaxCellChars,
            });
            Exception TooLong(int row) => Invalid(file, row, $": {CsvCells.TooLong}");
            var header = await CsvCells.ReadAsync(csv, TooLong) && csv.ReadHeader() ? csv.HeaderRecord ?? [] : [];
            long row = 0;
            while (header.Length > 0 && await CsvCells.ReadAsync(csv, TooLong))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = csv.Parser.Record ?? [];
                var cells = new string?[header.Length];
                for (var i = 0; i < cells.Length && i < record.Length; i++)
                {
                    cells[i] = record[i] is { Length: > 0 } cell ? BackupCells.Restore(cell) : null;
                }

                yield return new BackupCsvRow(file, ++row, header, cells);
            }

            if (sha256 is not null && stream.HashHex() != sha256)
            {
                throw new InvalidBackupException($"{file} does not match the SHA-256 in manifest.json; the backup is damaged or was edited.");
            }
        }
    }

    private static InvalidBackupException Invalid(string file, int row, string why = "") => new($"{file} is not valid CSV near data row {row} (the header excluded){why}.");
}
