using System.IO.Compression;
using System.Text;
using CrmActors.Grains.Blobs;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Writes a ZIP as numbered parts ("Data_001.zip", …) of at most <c>maxPartBytes</c> each; every part is
/// a complete ZIP. Sizes are bounded before writing: emitted bytes are counted exactly, what is still
/// inside the deflater is bounded by its uncompressed size, and the central directory is accounted
/// for each entry. A part is published (atomic rename) when closed; the caller publishes the folder.
/// </summary>
public sealed class ZipPartWriter(IBlobStore blobs, string folder, string prefix, string kind, long maxPartBytes) : IAsyncDisposable
{
    // End of central directory, ZIP64 end record and locator, with room to spare.
    private const long EndRecords = 22 + 56 + 20 + 64;

    private readonly List<BackupFile> _parts = [];
    private BlobWriter? _blob;
    private HashingStream? _counter;
    private ZipArchive? _zip;
    private long _centralDirectory;
    private int _entries;

    public IReadOnlyList<BackupFile> Parts => _parts;

    public long MaxPartBytes => maxPartBytes;

    /// <summary>The part the next entry goes into (opened on demand).</summary>
    public string CurrentPartName => PartName(_parts.Count + 1);

    /// <summary>At most this many compressed bytes for <paramref name="uncompressed"/> bytes at any level (stored blocks plus flush markers).</summary>
    public static long DeflateBound(long uncompressed) => uncompressed + (uncompressed >> 10) + 128;

    /// <summary>Local header, data descriptor and central directory record of an entry, with ZIP64 extras.</summary>
    public static long EntryCost(string name) => 30 + 20 + 24 + 46 + 28 + (2 * (long)Encoding.UTF8.GetByteCount(name));

    /// <summary>True when the open part, closed after <paramref name="compressedBytes"/> more, stays within the limit.</summary>
    public bool HasRoomFor(long compressedBytes) =>
        (_counter?.Count ?? 0) + _centralDirectory + EndRecords + compressedBytes <= maxPartBytes;

    public bool PartIsEmpty => _entries == 0;

    /// <summary>
    /// Starts an entry that will take at most <paramref name="firstBytes"/> uncompressed bytes (or
    /// <paramref name="compressedBound"/> compressed bytes, when known) before its next size check, in a new part if needed.
    /// </summary>
    public async Task<Stream> BeginEntryAsync(string name, long firstBytes, long? compressedBound = null)
    {
        var needed = EntryCost(name) + (compressedBound ?? DeflateBound(firstBytes));
        if (!HasRoomFor(needed) && !PartIsEmpty)
        {
            await ClosePartAsync();
        }

        if (!HasRoomFor(needed))
        {
            throw new InvalidOperationException(
                $"{name} needs about {needed} bytes, more than a whole ZIP part may hold ({maxPartBytes} bytes, setting Backups:MaxPartBytes).");
        }

        OpenPart();
        _entries++;
        _centralDirectory += EntryCost(name);
        return _zip!.CreateEntry(name, CompressionLevel.Fastest).Open();
    }

    /// <summary>Finishes the open part and publishes it; the next entry starts a new one.</summary>
    public async Task ClosePartAsync()
    {
        if (_zip is null)
        {
            return;
        }

        _zip.Dispose();
        var part = new BackupFile(CurrentPartName, kind, $"{folder}/{CurrentPartName}", _counter!.Count, _counter.HashHex());
        if (part.Size > maxPartBytes)
        {
            throw new InvalidOperationException($"ZIP part {part.Name} came out at {part.Size} bytes, over the {maxPartBytes}-byte limit.");
        }

        await _counter.DisposeAsync();
        await _blob!.CommitAsync();
        await _blob.DisposeAsync();
        _parts.Add(part);
        (_zip, _counter, _blob, _centralDirectory, _entries) = (null, null, null, 0, 0);
    }

    /// <summary>Closes the last part; a writer that got no entry still publishes one empty ZIP, so every backup has both ZIPs.</summary>
    public async Task CompleteAsync()
    {
        if (_parts.Count == 0)
        {
            OpenPart();
        }

        await ClosePartAsync();
    }

    private void OpenPart()
    {
        if (_zip is null)
        {
            _blob = blobs.Create($"{folder}/{CurrentPartName}");
            _counter = new HashingStream(_blob.Stream, ownsInner: false);
            _zip = new ZipArchive(_counter, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        }
    }

    private string PartName(int number) => $"{prefix}_{number:D3}.zip";

    public async ValueTask DisposeAsync()
    {
        _zip?.Dispose();
        if (_counter is not null)
        {
            await _counter.DisposeAsync();
        }

        if (_blob is not null)
        {
            await _blob.DisposeAsync();
        }
    }
}
