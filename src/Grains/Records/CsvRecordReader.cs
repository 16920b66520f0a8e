using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmActors.Grains.Records;

/// <summary>
/// Streams a CSV (UTF-8, optional BOM, RFC 4180) whose header names the module's fields, one row
/// of text cells at a time. The header is checked before the first row; invalid UTF-8 fails the read.
/// </summary>
public static class CsvRecordReader
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async IAsyncEnumerable<BulkRow> ReadAsync(Stream body, ModuleDefinition module, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(body, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = false,
            BadDataFound = context => throw Malformed(CsvCells.DataRow(context.Context), $"a quote is out of place in '{Shorten(context.Field)}'"),
            MissingFieldFound = null,
            MaxFieldSize = CsvCells.MaxCellChars,
        });
        static Exception TooLong(int row) => Malformed(row, CsvCells.TooLong);
        if (!await CsvCells.ReadAsync(csv, TooLong))
        {
            yield break;
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        foreach (var column in header)
        {
            if (module.Field(column) is null)
            {
                throw ProblemException.Validation(column, $"The CSV header names {(column.Length == 0 ? "an empty column" : column)}, which is not a field of {module.Name}.");
            }
        }

        if (header.Distinct().Count() != header.Length)
        {
            throw ProblemException.Validation("header", "The CSV header names a field twice.");
        }

        while (await CsvCells.ReadAsync(csv, TooLong))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cells = new string?[header.Length];
            for (var i = 0; i < header.Length; i++)
            {
                cells[i] = csv.GetField(i);
            }

            yield return BulkRow.FromCells(header, cells);
        }
    }

    private static ProblemException Malformed(int row, string what) =>
        new(400, ProblemCodes.MalformedBody, $"The CSV is malformed at data row {row} (the header excluded): {what}.");

    private static string Shorten(string field) => field.Length > 40 ? field[..40] + "…" : field;
}
