using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CrmActors.Grains.Common;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Streams one source CSV (UTF-8 with or without BOM, RFC 4180, a header row) a row at a time,
/// the way <see cref="Records.CsvRecordReader"/> reads bulk inserts, but with the header left to
/// the field map and every refusal naming the file and the row or line.
/// </summary>
public sealed class MigrationCsvReader : IAsyncDisposable
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly StreamReader _text;
    private readonly CsvReader _csv;

    private MigrationCsvReader(string fileName, Stream content)
    {
        FileName = fileName;
        _text = new StreamReader(new Utf8CheckingStream(content, fileName), Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _csv = new CsvReader(_text, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = context => throw Malformed(CsvCells.DataRow(context.Context), $"a quote is out of place in '{Shorten(context.Field)}'"),
            MaxFieldSize = CsvCells.MaxCellChars,
        });
    }

    public string FileName { get; }

    /// <summary>The header's column names, trimmed; empty for a file with no header row.</summary>
    public IReadOnlyList<string> Header { get; private set; } = [];

    /// <summary>Opens the file and reads its header; a duplicate column name is refused.</summary>
    public static async Task<MigrationCsvReader> OpenAsync(string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        var reader = new MigrationCsvReader(fileName, content);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    private async Task ReadHeaderAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!await ReadRecordAsync())
        {
            return;
        }

        _csv.ReadHeader();
        var header = (_csv.HeaderRecord ?? []).Select(c => c.Trim()).ToArray();
        var duplicate = header.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ProblemException.BadRequest(MigrationProblemCodes.DuplicateHeader,
                $"{FileName}: the header names the column '{duplicate.Key}' more than once; keep one column of each name.");
        }

        Header = header;
    }

    public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Header.Count == 0)
        {
            yield break;
        }

        while (await ReadRecordAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = _csv.Parser.Record ?? [];
            var cells = new string?[Header.Count];
            for (var i = 0; i < cells.Length && i < record.Length; i++)
            {
                cells[i] = record[i] is { Length: > 0 } cell ? cell : null;
            }

            yield return new SourceRow(CsvCells.DataRow(_csv.Context), cells);
        }
    }

    // CsvHelper reports an unclosed quote through BadDataFound too (at the end of the file), so both refusals come from there.
    private Task<bool> ReadRecordAsync() => CsvCells.ReadAsync(_csv, row => Malformed(row, CsvCells.TooLong));

    private ProblemException Malformed(long row, string what) => ProblemException.BadRequest(MigrationProblemCodes.MalformedCsv,
        $"{FileName} is not valid CSV at data row {row} (the header excluded): {what}. Quote a cell that holds commas, quotes or line breaks, and double the quotes inside it.");

    private static string Shorten(string field) => field.Length > 40 ? field[..40] + "…" : field;

    public async ValueTask DisposeAsync()
    {
        _csv.Dispose();
        _text.Dispose();
        await Task.CompletedTask;
    }
}
