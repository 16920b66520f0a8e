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

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: 0 })
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        return field.Type switch
        {
            FieldTypes.Text => Text(field, value, TextMax),
            FieldTypes.TextArea => Text(field, value, TextAreaMax),
            FieldTypes.Email => OrganizationRules.IsEmail(text) ? JsonValue.Create(text!.Trim()) : throw Invalid(field, "an e-mail address such as 'name@example.com'"),
            FieldTypes.Phone => text is { Length: <= 30 } && text.All(c => char.IsAsciiDigit(c) || " +-().".Contains(c)) && text.Any(char.IsAsciiDigit)
                ? JsonValue.Create(text.Trim()) : throw Invalid(field, "a phone number of digits, spaces and + - ( ) ."),
            FieldTypes.Number => Integer(field, value, text),
            FieldTypes.Decimal => Decimal(field, value, text),
            FieldTypes.Boolean => value.ValueKind switch
            {
                JsonValueKind.True => JsonValue.Create(true),
                JsonValueKind.False => JsonValue.Create(false),
                _ when bool.TryParse(text, out var flag) => JsonValue.Create(flag),
                _ => throw Invalid(field, "true or false"),
            },
            FieldTypes.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : throw Invalid(field, "a date such as 2026-04-30"),
            FieldTypes.DateTime => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && text!.Contains('T')
                ? JsonValue.Create(time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
                : throw Invalid(field, "an ISO 8601 time such as 2026-04-30T09:00:00Z"),
            FieldTypes.Picklist => text is not null && field.Values!.Contains(text)
                ? JsonValue.Create(text) : throw Invalid(field, $"one of: {string.Join(", ", field.Values!)}"),
            FieldTypes.Lookup or FieldTypes.FileUpload or FieldTypes.ImageUpload => Ids.IsWellFormed(text)
                ? JsonValue.Create(text) : throw Invalid(field, field.Type == FieldTypes.Lookup ? $"the ID of a {field.LookupModule} record" : "the ID of an uploaded file"),
            _ => throw new InvalidOperationException($"Field type {field.Type} of {module.Name}.{field.Name} has no validation."),
        };
    }

    private static JsonNode Text(FieldDefinition field, JsonElement value, int max)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw Invalid(field, "text"),
        };
        return text.Length <= max ? JsonValue.Create(text) : throw Invalid(field, $"text of at most {max} characters");
    }

    private static JsonNode Integer(FieldDefinition field, JsonElement value, string? text)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return JsonValue.Create(number);
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number)
            ? JsonValue.Create(number) : throw Invalid(field, "a whole number");
    }

    private static JsonNode Decimal(FieldDefinition field, JsonElement value, string? text)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
        {
            return JsonValue.Create(number);
        }

        return decimal.TryParse(text, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out number)
            ? JsonValue.Create(number) : throw Invalid(field, "a number such as 1234.56");
    }

    public static ProblemException Invalid(FieldDefinition field, string expected) =>
        ProblemException.Validation(field.Name, $"{field.Name} must be {expected}.");
}
