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
            if (property.Name == "id" || SystemFields.Contains(property.Name))
            {
                throw ProblemException.Validation(property.Name, $"{property.Name} is set by the system and cannot be written.");
            }

            var field = module.Field(property.Name)
                ?? throw ProblemException.Validation(property.Name, $"{module.Name} has no field {property.Name}.");
            if (FieldTypes.IsUpload(field.Type))
            {
                throw ProblemException.Validation(field.Name, $"{field.Name} is set by uploading a file to …/records/{{id}}/files/{field.Name}.");
            }

            data[field.Name] = RecordValidator.Normalize(module, field, property.Value);
        }

        foreach (var field in module.Fields.Where(f => f.Required))
        {
            if (data[field.Name] is null)
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
