using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;

namespace CrmActors.Grains.Settings;

/// <summary>
/// Values that settings hold for a field (a condition's operand, a field update): validated by the
/// same rules as record values and kept as canonical text, which every field type parses back.
/// </summary>
public static class SettingValues
{
    /// <summary>The canonical text of <paramref name="value"/> as a value of <paramref name="field"/>; refuses an empty or invalid one.</summary>
    public static string Normalize(ModuleDefinition module, FieldDefinition field, string? value, string path)
    {
        var node = value is null ? null : RecordValidator.Normalize(module, field, JsonSerializer.SerializeToElement(value));
        return node is null
            ? throw ProblemException.Validation(path, $"{path} needs a value for {module.Name}.{field.Name}.")
            : Text(node);
    }

    /// <summary>The stored record value <paramref name="value"/> of <paramref name="field"/>, from canonical text.</summary>
    public static JsonNode? ToRecordValue(ModuleDefinition module, FieldDefinition field, string value) =>
        RecordValidator.Normalize(module, field, JsonSerializer.SerializeToElement(value));

    public static string Text(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();

    /// <summary>True when two settings objects are the same configuration (lists compared element by element).</summary>
    public static bool Same<T>(T a, T b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
