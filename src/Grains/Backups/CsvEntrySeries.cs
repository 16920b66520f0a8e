using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Rows of one table written as one or more CSV entries of a <see cref="ZipPartWriter"/>: UTF-8 with
/// BOM, a header row, RFC 4180 quoting and CRLF line ends. A new file starts past
/// <c>rowsPerFile</c> rows, or when the part is full (then the file starts in the next part).
/// </summary>
public sealed class CsvEntrySeries(
    ZipPartWriter zip, Func<int, string> nameOf, IReadOnlyList<string> header, string kind, string? module, int rowsPerFile, ICollection<ManifestFile> files)
    : IAsyncDisposable
{
    private static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { NewLine = "\r\n" };

    private readonly long _syncInterval = Math.Clamp(zip.MaxPartBytes / 32, 16 * 1024, 8 * 1024 * 1024);
    private readonly long _headerBound = RowBound([.. header]) + 3;
    private HashingStream? _hash;
    private StreamWriter? _writer;
    private CsvWriter? _csv;
    private string _name = "";
    private string _part = "";
    private long _rows;
    private long _pending;
    private int _fileNumber;

    public long TotalRows { get; private set; }

    public List<string> FileNames { get; } = [];

    public async Task WriteRowAsync(ArraySegment<string?> cells)
    {
        var bound = RowBound(cells);
        if (_csv is not null && _rows >= rowsPerFile)
        {
            await EndFileAsync();
        }

        if (_csv is not null && !zip.HasRoomFor(ZipPartWriter.DeflateBound(_pending + bound)))
        {
            Sync();
            if (!zip.HasRoomFor(ZipPartWriter.DeflateBound(bound)))
            {
                await EndFileAsync();
            }
        }

        if (_csv is null)
        {
            await StartFileAsync(bound);
        }

        for (var i = 0; i < cells.Count; i++)
        {
            _csv!.WriteField(cells[i]);
        }

        _csv!.NextRecord();
        _rows++;
        TotalRows++;
        _pending += bound;
        if (_pending > _syncInterval)
        {
            Sync();
        }
    }

    /// <summary>Ends the open file; a table without rows still gets one file holding its header.</summary>
    public async Task CompleteAsync()
    {
        if (_fileNumber == 0)
        {
            await StartFileAsync(0);
        }

        await EndFileAsync();
    }

    private async Task StartFileAsync(long firstRowBound)
    {
        _name = nameOf(++_fileNumber);
        var entry = await zip.BeginEntryAsync(_name, _headerBound + firstRowBound);
        _part = zip.CurrentPartName;
        _hash = new HashingStream(entry, ownsInner: true);
        _writer = new StreamWriter(_hash, Utf8WithBom, 1 << 16);
        _csv = new CsvWriter(_writer, Config);
        foreach (var column in header)
        {
            _csv.WriteField(column);
        }

        _csv.NextRecord();
        (_rows, _pending) = (0, _headerBound);
        FileNames.Add(_name);
    }

    /// <summary>Pushes everything written so far through the deflater, so the part's size is exact again.</summary>
    private void Sync()
    {
        _csv!.Flush();
        _writer!.Flush();
        _hash!.Flush();
        _pending = 0;
    }

    private async Task EndFileAsync()
    {
        if (_csv is null)
        {
            return;
        }

        await _csv.FlushAsync();
        await _writer!.FlushAsync();
        files.Add(new ManifestFile(_name, kind, module, _rows, _hash!.Count, _hash.HashHex(), _part));

        // Closing the CSV writer closes the chain down to the entry, which writes its data descriptor.
        await _csv.DisposeAsync();
        (_csv, _writer, _hash) = (null, null, null);
    }

    /// <summary>The most bytes a row can take: 3 UTF-8 bytes per char (quotes doubled stay under that), quotes, separators, CRLF.</summary>
    public static long RowBound(ReadOnlySpan<string?> cells)
    {
        long bound = 2;
        for (var i = 0; i < cells.Length; i++)
        {
            bound += (3L * (cells[i]?.Length ?? 0)) + 4;
        }

        return bound;
    }

    public async ValueTask DisposeAsync()
    {
        if (_csv is not null)
        {
            await _csv.DisposeAsync();
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_hash is not null)
        {
            await _hash.DisposeAsync();
        }
    }
}
