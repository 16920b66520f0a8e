using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Source values to CRM values. A picklist value that the field already holds (any case) is taken
/// in the field's spelling; otherwise the map is followed, and may be followed again: Freshdesk's
/// status 3 maps to "Pending", which an org with a "Pending" value keeps and the standard Tickets
/// picklist turns into "On Hold". A value nothing matches is left for the validator to refuse.
/// </summary>
public static class ValueMaps
{
    private const int MaxSteps = 4;

    public static string Translate(FieldDefinition field, string text, IReadOnlyDictionary<string, string>? map)
    {
        if (field.Type != FieldTypes.Picklist)
        {
            return map is not null && map.TryGetValue(text.Trim(), out var mapped) ? mapped : text;
        }

        var current = text.Trim();
        for (var step = 0; step <= MaxSteps; step++)
        {
            foreach (var value in field.Values ?? [])
            {
                if (string.Equals(value, current, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            if (map is null || !map.TryGetValue(current, out var next))
            {
                break;
            }

            current = next.Trim();
        }

        return current;
    }
}
