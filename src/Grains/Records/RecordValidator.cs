using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Records;

/// <summary>
/// Turns an input value into the stored value of a field's type, or refuses it naming the field.
/// Strings are accepted for every type (CSV cells arrive as strings) and parsed invariantly.
/// </summary>
public static class RecordValidator
{
    public const int TextMax = 255;
    public const int TextAreaMax = 32_000;

    /// <summary>The stored value, or null for an empty input; lookups are only checked for form here.</summary>
    public static JsonNode? Normalize(ModuleDefinition module, FieldDefinition field, JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return NormalizeText(module, field, value.GetString()!);
        }

        var scalar = value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? value.GetRawText() : null;
        return field.Type switch
        {
            FieldTypes.Text => Text(field, scalar, TextMax),
            FieldTypes.TextArea => Text(field, scalar, TextAreaMax),
            FieldTypes.Number when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) => JsonValue.Create(number),
            FieldTypes.Decimal when value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount) => JsonValue.Create(amount),
            FieldTypes.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False => JsonValue.Create(value.GetBoolean()),
            _ => throw Invalid(field, Expected(field)),
        };
    }

    /// <summary>The stored value of a text input (a CSV cell or a JSON string), or null when it is empty.</summary>
    public static JsonNode? NormalizeText(ModuleDefinition module, FieldDefinition field, string text) => NormalizeValue(module, field, text)?.ToNode();

    /// <summary>
    /// <see cref="NormalizeText"/> as a value, not a node: for writers of stored JSON that handle millions of cells
    /// (a restore), which then allocate nothing per cell to check it, and write it straight to their JSON.
    /// </summary>
    public static FieldValue? NormalizeValue(ModuleDefinition module, FieldDefinition field, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        return field.Type switch
        {
            FieldTypes.Text => FieldValue.Of(TextValue(field, text, TextMax)),
            FieldTypes.TextArea => FieldValue.Of(TextValue(field, text, TextAreaMax)),
            FieldTypes.Email => OrganizationRules.IsEmail(text) ? FieldValue.Of(text.Trim()) : throw Invalid(field, Expected(field)),
            FieldTypes.Phone => text is { Length: <= 30 } && text.All(c => char.IsAsciiDigit(c) || " +-().".Contains(c)) && text.Any(char.IsAsciiDigit)
                ? FieldValue.Of(text.Trim()) : throw Invalid(field, Expected(field)),
            FieldTypes.Number => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                ? new FieldValue(FieldValueKind.Integer, null, number, 0) : throw Invalid(field, Expected(field)),
            FieldTypes.Decimal => decimal.TryParse(text, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var amount)
                ? new FieldValue(FieldValueKind.Decimal, null, 0, amount) : throw Invalid(field, Expected(field)),
            FieldTypes.Boolean => bool.TryParse(text, out var flag) ? new FieldValue(FieldValueKind.Boolean, null, flag ? 1 : 0, 0) : throw Invalid(field, Expected(field)),
            FieldTypes.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? FieldValue.Of(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : throw Invalid(field, Expected(field)),
            FieldTypes.DateTime => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && text.Contains('T')
                ? FieldValue.Of(time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
                : throw Invalid(field, Expected(field)),
            FieldTypes.Picklist => field.Values!.Contains(text) ? FieldValue.Of(text) : throw Invalid(field, Expected(field)),
            FieldTypes.Lookup or FieldTypes.FileUpload or FieldTypes.ImageUpload => Ids.IsWellFormed(text) ? FieldValue.Of(text) : throw Invalid(field, Expected(field)),
            _ => throw new InvalidOperationException($"Field type {field.Type} of {module.Name}.{field.Name} has no validation."),
        };
    }

    private static string Expected(FieldDefinition field) => field.Type switch
    {
        FieldTypes.Text => $"text of at most {TextMax} characters",
        FieldTypes.TextArea => $"text of at most {TextAreaMax} characters",
        FieldTypes.Email => "an e-mail address such as 'name@example.com'",
        FieldTypes.Phone => "a phone number of digits, spaces and + - ( ) .",
        FieldTypes.Number => "a whole number",
        FieldTypes.Decimal => "a number such as 1234.56",
        FieldTypes.Boolean => "true or false",
        FieldTypes.Date => "a date such as 2026-04-30",
        FieldTypes.DateTime => "an ISO 8601 time such as 2026-04-30T09:00:00Z",
        FieldTypes.Picklist => $"one of: {string.Join(", ", field.Values!)}",
        FieldTypes.Lookup => $"the ID of a {field.LookupModule} record",
        _ => "the ID of an uploaded file",
    };

    private static JsonNode Text(FieldDefinition field, string? text, int max) => JsonValue.Create(TextValue(field, text, max));

    private static string TextValue(FieldDefinition field, string? text, int max) =>
        text is not null && text.Length <= max ? text : throw Invalid(field, Expected(field));

    public static ProblemException Invalid(FieldDefinition field, string expected) =>
        ProblemException.Validation(field.Name, $"{field.Name} must be {expected}.");
}

public enum FieldValueKind
{
    Text,
    Integer,
    Decimal,
    Boolean,
}

/// <summary>A stored field value: text, a whole number, a decimal or a boolean (<see cref="Number"/> 1 or 0).</summary>
public readonly record struct FieldValue(FieldValueKind Kind, string? Text, long Number, decimal Amount)
{
    public static FieldValue Of(string text) => new(FieldValueKind.Text, text, 0, 0);

    public JsonNode ToNode() => Kind switch
    {
        FieldValueKind.Integer => JsonValue.Create(Number),
        FieldValueKind.Decimal => JsonValue.Create(Amount),
        FieldValueKind.Boolean => JsonValue.Create(Number != 0),
        _ => JsonValue.Create(Text!),
    };

    /// <summary>Writes the value as <see cref="ToNode"/>'s node would be serialized.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case FieldValueKind.Integer:
                writer.WriteNumberValue(Number);
                break;
            case FieldValueKind.Decimal:
                writer.WriteNumberValue(Amount);
                break;
            case FieldValueKind.Boolean:
                writer.WriteBooleanValue(Number != 0);
                break;
            default:
                writer.WriteStringValue(Text);
                break;
        }
    }
}
