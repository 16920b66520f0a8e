using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Records;

/// <summary>Builds stored field values from input JSON, and the API shape of a stored record.</summary>
public static class RecordJson
{
    public static readonly IReadOnlyList<string> SystemFields = ["Owner", "Created_By", "Created_Time", "Modified_By", "Modified_Time"];

    /// <summary>
    /// Validates <paramref name="input"/> against the module onto <paramref name="data"/> (a copy of
    /// the current values for an update). Upload fields are refused: they are set by uploading a file.
    /// </summary>
    public static JsonObject Apply(ModuleDefinition module, JsonElement input, JsonObject data)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw ProblemException.BadRequest(ProblemCodes.MalformedBody, "A record is a JSON object of field API names to values.");
        }

        foreach (var property in input.EnumerateObject())
        {
            var field = WritableField(module, property.Name);
            data[field.Name] = RecordValidator.Normalize(module, field, property.Value);
        }

        return Complete(module, data);
    }

    /// <summary>A new record's values from text cells under the given column names (a CSV row); empty cells are absent.</summary>
    public static JsonObject ApplyCells(ModuleDefinition module, IReadOnlyList<string> columns, IReadOnlyList<string?> cells)
    {
        var data = new JsonObject();
        for (var i = 0; i < columns.Count && i < cells.Count; i++)
        {
            if (cells[i] is { Length: > 0 } text)
            {
                var field = WritableField(module, columns[i]);
                data[field.Name] = RecordValidator.NormalizeText(module, field, text);
            }
        }

        return Complete(module, data);
    }

    private static FieldDefinition WritableField(ModuleDefinition module, string name)
    {
        if (name == "id" || SystemFields.Contains(name))
        {
            throw ProblemException.Validation(name, $"{name} is set by the system and cannot be written.");
        }

        var field = module.Field(name) ?? throw ProblemException.Validation(name, $"{module.Name} has no field {name}.");
        return FieldTypes.IsUpload(field.Type)
            ? throw ProblemException.Validation(field.Name, $"{field.Name} is set by uploading a file to …/records/{{id}}/files/{field.Name}.")
            : field;
    }

    private static JsonObject Complete(ModuleDefinition module, JsonObject data)
    {
        foreach (var field in module.Fields)
        {
            if (field.Required && data[field.Name] is null)
            {
                throw ProblemException.Validation(field.Name, $"{field.Name} is required.");
            }
        }

        foreach (var empty in data.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
        {
            data.Remove(empty);
        }

        return data;
    }

    /// <summary>Lookup values in <paramref name="data"/> with the module they must point to ("*" for any).</summary>
    public static IEnumerable<(FieldDefinition Field, string Id)> Lookups(ModuleDefinition module, JsonObject data) =>
        module.Fields.Where(f => f.Type == FieldTypes.Lookup && data[f.Name] is not null)
            .Select(f => (f, data[f.Name]!.GetValue<string>()));

    public static RecordRow ToRow(ModuleDefinition module, string orgId, string id, JsonObject data, string ownerId, long createdAt, string createdBy, long modifiedAt, string modifiedBy) =>
        new(id, orgId, module.Name, ownerId, createdAt, createdBy, modifiedAt, modifiedBy,
            module.EmailField is { } email && data[email] is { } address ? address.GetValue<string>().ToLowerInvariant() : null,
            module.Fields.FirstOrDefault(f => f.Parent) is { } parent && data[parent.Name] is { } parentId ? parentId.GetValue<string>() : null,
            data.ToJsonString());

    public static JsonObject ToResponse(RecordRow row)
    {
        var response = new JsonObject { ["id"] = row.Id };
        foreach (var (name, value) in JsonNode.Parse(row.Data)!.AsObject().ToList())
        {
            response[name] = value?.DeepClone();
        }

        response["Owner"] = row.OwnerId;
        response["Created_By"] = row.CreatedBy;
        response["Created_Time"] = UnixTime.At(row.CreatedAt).ToString("O");
        response["Modified_By"] = row.ModifiedBy;
        response["Modified_Time"] = UnixTime.At(row.ModifiedAt).ToString("O");
        return response;
    }
}
