using System.Text.Json;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Writes a record's stored JSON (its UTF-8 bytes) as CSV cells in field order, without building a document or a
/// string: strings are neutralized (<see cref="BackupCells.Neutralize"/>) and copied as they are stored unless
/// they hold escapes, numbers keep their JSON text, booleans are true/false, anything else is an empty cell.
/// </summary>
public sealed class RecordCsvEncoder
{
    private const byte None = 0, String = 1, Number = 2, Unescaped = 3, True = 4, False = 5;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _columns;
    private readonly char[] _name = new char[256];
    private readonly Slot[] _slots;
    private byte[] _unescaped = new byte[1024];

    public RecordCsvEncoder(IReadOnlyList<string> fields)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            columns[fields[i]] = i;
        }

        _columns = columns.GetAlternateLookup<ReadOnlySpan<char>>();
        _slots = new Slot[fields.Count];
    }

    public void Write(ReadOnlySpan<byte> json, Utf8CsvWriter csv)
    {
        Array.Clear(_slots);
        var unescapedLength = 0;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("A stored record is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueSpan.Length > _name.Length
                ? _columns.TryGetValue(reader.GetString()!, out var column)
                : _columns.TryGetValue(_name.AsSpan(0, reader.CopyString(_name)), out column);
            reader.Read();
            if (!found)
            {
                reader.Skip();
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            _slots[column] = reader.TokenType switch
            {
                JsonTokenType.String when reader.ValueIsEscaped => Unescape(ref reader, ref unescapedLength),
                JsonTokenType.String => new Slot(String, start + 1, reader.ValueSpan.Length),
                JsonTokenType.Number => new Slot(Number, start, reader.ValueSpan.Length),
                JsonTokenType.True => new Slot(True, 0, 0),
                JsonTokenType.False => new Slot(False, 0, 0),
                _ => Skip(ref reader),
            };
        }

        foreach (var slot in _slots)
        {
            switch (slot.Kind)
            {
                case String:
                    Text(csv, json.Slice(slot.Start, slot.Length));
                    break;
                case Unescaped:
                    Text(csv, _unescaped.AsSpan(slot.Start, slot.Length));
                    break;
                case Number:
                    csv.Cell(json.Slice(slot.Start, slot.Length));
                    break;
                case True:
                    csv.Cell("true"u8);
                    break;
                case False:
                    csv.Cell("false"u8);
                    break;
                default:
                    csv.Empty();
                    break;
            }
        }
    }

    /// <summary>A string gets one more apostrophe when its first character after any leading apostrophes is = + - @ tab or CR.</summary>
    private static void Text(Utf8CsvWriter csv, ReadOnlySpan<byte> value)
    {
        var first = value.IndexOfAnyExcept((byte)'\'');
        csv.Cell(value, first >= 0 && value[first] is (byte)'=' or (byte)'+' or (byte)'-' or (byte)'@' or (byte)'\t' or (byte)'\r');
    }

    private Slot Unescape(ref Utf8JsonReader reader, ref int length)
    {
        if (length + reader.ValueSpan.Length > _unescaped.Length)
        {
            Array.Resize(ref _unescaped, Math.Max(_unescaped.Length * 2, length + reader.ValueSpan.Length));
        }

        var written = reader.CopyString(_unescaped.AsSpan(length));
        var slot = new Slot(Unescaped, length, written);
        length += written;
        return slot;
    }

    private static Slot Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return default;
    }

    private readonly record struct Slot(byte Kind, int Start, int Length);
}
