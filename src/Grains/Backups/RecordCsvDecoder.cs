using System.Text;
using System.Text.Json;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Turns a record's stored JSON into CSV cells by field column, without building a document: strings
/// are neutralized, numbers keep their JSON text, booleans are true/false.
/// </summary>
public sealed class RecordCsvDecoder
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _columns;
    private byte[] _utf8 = new byte[4096];
    private readonly char[] _name = new char[256];

    public RecordCsvDecoder(IReadOnlyList<string> fields, int firstColumn)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            columns[fields[i]] = firstColumn + i;
        }

        _columns = columns.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void Decode(string data, Span<string?> cells)
    {
        var max = Encoding.UTF8.GetMaxByteCount(data.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(data, _utf8);
        var reader = new Utf8JsonReader(_utf8.AsSpan(0, length));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("A stored record is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.HasValueSequence || reader.ValueSpan.Length > _name.Length
                ? _columns.TryGetValue(reader.GetString()!, out var column)
                : _columns.TryGetValue(_name.AsSpan(0, reader.CopyString(_name)), out column);
            reader.Read();
            if (!found)
            {
                reader.Skip();
                continue;
            }

            cells[column] = reader.TokenType switch
            {
                JsonTokenType.String => BackupCells.Neutralize(reader.GetString()!),
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => Skip(ref reader),
            };
        }
    }

    private static string? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}
