using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Reads the rows of one CSV header into a module of this organization: the id and system columns,
/// and field values validated by the same rules as any write. Columns that are not fields of the
/// module any more are reported once, not silently dropped.
/// </summary>
public sealed class RestoreRowMapper
{
    private readonly ModuleDefinition _module;
    private readonly FieldDefinition[] _required;
    private readonly bool[] _found;
    private readonly int _id = -1;
    private readonly int[] _system = [-1, -1, -1, -1, -1];
    private readonly List<(int Column, FieldDefinition Field)> _fields = [];
    private readonly JsonEncodedText[] _names;
    private readonly string? _emailField;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    public RestoreRowMapper(ModuleDefinition module, string[] header)
    {
        _module = module;
        Header = header;
        for (var i = 0; i < header.Length; i++)
        {
            var systemIndex = RecordJson.SystemFields.ToList().IndexOf(header[i]);
            if (header[i] == "id")
            {
                _id = i;
            }
            else if (systemIndex >= 0)
            {
                _system[systemIndex] = i;
            }
            else if (module.Field(header[i]) is { } field)
            {
                // A field named twice in the header takes its last column.
                _fields.RemoveAll(f => f.Field == field);
                _fields.Add((i, field));
            }
            else
            {
                UnknownColumns.Add(header[i]);
            }
        }

        Lookups = [.. _fields.Where(f => f.Field.Type == FieldTypes.Lookup)];
        _required = [.. module.Fields.Where(f => f.Required)];
        _found = new bool[_required.Length];
        _names = [.. _fields.Select(f => JsonEncodedText.Encode(f.Field.Name))];
        _emailField = module.EmailField;
        _json = new Utf8JsonWriter(_buffer);
    }

    public string[] Header { get; }

    public ModuleDefinition Module => _module;

    public List<string> UnknownColumns { get; } = [];

    public IReadOnlyList<(int Column, FieldDefinition Field)> Lookups { get; }

    public string? Id(string?[] cells) => _id >= 0 ? cells[_id] : null;

    public string? Owner(string?[] cells) => Cell(cells, 0);

    public string? CreatedBy(string?[] cells) => Cell(cells, 1);

    public long? CreatedAt(string?[] cells) => Time(Cell(cells, 2));

    public string? ModifiedBy(string?[] cells) => Cell(cells, 3);

    public long? ModifiedAt(string?[] cells) => Time(Cell(cells, 4));

    /// <summary>
    /// The stored field values of the row, as the JSON text a record stores, with the e-mail column's value (lowercased)
    /// and the parent's ID. <paramref name="reference"/> rewrites lookup and upload values (to remapped IDs) and may drop
    /// one by returning null. Throws a validation problem naming the field. Not thread-safe: a mapper reuses its buffer.
    /// </summary>
    public MappedData Data(string?[] cells, Func<FieldDefinition, string, string?> reference)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        string? email = null, parent = null;
        Normalize(cells, reference, (index, value) =>
        {
            var field = _fields[index].Field;
            _json.WritePropertyName(_names[index]);
            value.WriteTo(_json);
            if (field.Name == _emailField)
            {
                email = value.Text!.ToLowerInvariant();
            }
            else if (field.Parent)
            {
                parent = value.Text;
            }
        });
        _json.WriteEndObject();
        _json.Flush();
        return new MappedData(Encoding.UTF8.GetString(_buffer.WrittenSpan), email, parent);
    }

    /// <summary>Checks the row as <see cref="Data"/> would build it, keeping nothing.</summary>
    public void Validate(string?[] cells) => Normalize(cells, static (_, value) => value, static (_, _) => { });

    /// <summary>Every field value goes through <see cref="RecordValidator.NormalizeValue"/>, the rule of every write.</summary>
    private void Normalize(string?[] cells, Func<FieldDefinition, string, string?> reference, Action<int, FieldValue> add)
    {
        Array.Clear(_found);
        for (var index = 0; index < _fields.Count; index++)
        {
            var (column, field) = _fields[index];
            var value = cells[column];
            if (value is not null && (field.Type == FieldTypes.Lookup || FieldTypes.IsUpload(field.Type)))
            {
                value = Ids.IsWellFormed(value) ? reference(field, value) : throw RecordValidator.Invalid(field, "the ID of a record or file of the backup");
            }

            if (value is not null && RecordValidator.NormalizeValue(_module, field, value) is { } normalized)
            {
                add(index, normalized);
                if (field.Required)
                {
                    _found[Array.IndexOf(_required, field)] = true;
                }
            }
        }

        if (Array.IndexOf(_found, false) is >= 0 and var missing)
        {
            throw ProblemException.Validation(_required[missing].Name, $"{_required[missing].Name} is required and the row has no value for it.");
        }
    }

    private string? Cell(string?[] cells, int system) => _system[system] >= 0 ? cells[_system[system]] : null;

    private static long? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUnixTimeMilliseconds() : null;
}

/// <summary>A row's stored field values (JSON text), its e-mail column value and its parent's ID.</summary>
public readonly record struct MappedData(string Json, string? Email, string? ParentId);
