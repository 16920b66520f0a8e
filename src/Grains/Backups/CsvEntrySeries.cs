namespace CrmActors.Grains.Backups;

/// <summary>
/// Rows of one table written as one or more CSV entries of a <see cref="ZipPartWriter"/>: UTF-8 with
/// BOM, a header row, RFC 4180 quoting and CRLF line ends (<see cref="Utf8CsvWriter"/>). A new file starts past
/// <c>rowsPerFile</c> rows, or when the part is full (then the file starts in the next part).
/// </summary>
public sealed class CsvEntrySeries(
    ZipPartWriter zip, Func<int, string> nameOf, IReadOnlyList<string> header, string kind, string? module, int rowsPerFile, ICollection<ManifestFile> files)
    : IAsyncDisposable
{
    private readonly long _syncInterval = Math.Clamp(zip.MaxPartBytes / 32, 16 * 1024, 8 * 1024 * 1024);
    private readonly byte[] _header = HeaderBytes(header);
    private readonly Utf8CsvWriter _cells = new();
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _buffered;
    private HashingStream? _hash;
    private string _name = "";
    private string _part = "";
    private long _rows;
    private long _pending;
    private int _fileNumber;

    public long TotalRows { get; private set; }

    public List<string> FileNames { get; } = [];

    public async Task WriteRowAsync(IReadOnlyList<string?> cells)
    {
        _cells.Clear();
        foreach (var cell in cells)
        {
            _cells.Cell(cell);
        }

        _cells.EndRow();
        await WriteRowAsync(_cells.Written);
    }

    /// <summary>Writes one row already formatted (<see cref="Utf8CsvWriter"/>, its CRLF included).</summary>
    public async ValueTask WriteRowAsync(ReadOnlyMemory<byte> row)
    {
        if (_hash is not null && _rows >= rowsPerFile)
        {
            await EndFileAsync();
        }

        if (_hash is not null && !zip.HasRoomFor(ZipPartWriter.DeflateBound(_pending + row.Length)))
        {
            Sync();
            if (!zip.HasRoomFor(ZipPartWriter.DeflateBound(row.Length)))
            {
                await EndFileAsync();
            }
        }

        if (_hash is null)
        {
            await StartFileAsync(row.Length);
        }

        Append(row.Span);
        _rows++;
        TotalRows++;
        _pending += row.Length;
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

    private async Task StartFileAsync(long firstRowBytes)
    {
        _name = nameOf(++_fileNumber);
        var entry = await zip.BeginEntryAsync(_name, _header.Length + firstRowBytes);
        _part = zip.CurrentPartName;
        _hash = new HashingStream(entry, ownsInner: true);
        Append(_header);
        (_rows, _pending) = (0, _header.Length);
        FileNames.Add(_name);
    }

    /// <summary>Rows are copied into one buffer and handed to the hash and the deflater in 64 KB writes.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffered + bytes.Length > _buffer.Length)
        {
            Drain();
            if (bytes.Length > _buffer.Length)
            {
                _hash!.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += bytes.Length;
    }

    private void Drain()
    {
        _hash!.Write(_buffer.AsSpan(0, _buffered));
        _buffered = 0;
    }

    /// <summary>Pushes everything written so far through the deflater, so the part's size is exact again.</summary>
    private void Sync()
    {
        Drain();
        _hash!.Flush();
        _pending = 0;
    }

    private async Task EndFileAsync()
    {
        if (_hash is null)
        {
            return;
        }

        Drain();
        files.Add(new ManifestFile(_name, kind, module, _rows, _hash.Count, _hash.HashHex(), _part));

        // Closing the hash closes the entry, which writes its data descriptor.
        await _hash.DisposeAsync();
        _hash = null;
    }

    private static byte[] HeaderBytes(IReadOnlyList<string> header)
    {
        var csv = new Utf8CsvWriter();
        foreach (var column in header)
        {
            csv.Cell(column);
        }

        csv.EndRow();
        return [0xEF, 0xBB, 0xBF, .. csv.Written.Span];
    }

    public async ValueTask DisposeAsync()
    {
        if (_hash is not null)
        {
            await _hash.DisposeAsync();
        }
    }
}
