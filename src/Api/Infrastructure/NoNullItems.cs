using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// Request bodies: an item of a list, or a value of a dictionary, that is JSON <c>null</c> where the body's type
/// says it cannot be (<c>"fields": [null]</c>, <c>"modules": {"Leads": null}</c>) is refused as a validation error
/// naming it, before any code that expects a value sees the body. Lists whose items may be null say so in their type.
/// </summary>
public static class NoNullItems
{
    /// <summary>A <see cref="DefaultJsonTypeInfoResolver"/> modifier for the types of this product's bodies.</summary>
    public static void Modify(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || type.Type.Namespace?.StartsWith("CrmActors.", StringComparison.Ordinal) != true)
        {
            return;
        }

        var nullability = new NullabilityInfoContext();
        var checks = type.Properties
            .Where(p => p.Get is not null && p.AttributeProvider is PropertyInfo info && ItemsNotNull(nullability.Create(info)))
            .Select(p => (p.Name, Get: p.Get!))
            .ToArray();
        if (checks.Length == 0)
        {
            return;
        }

        var before = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            foreach (var (name, get) in checks)
            {
                Check(name, get(value));
            }

            before?.Invoke(value);
        };
    }

    // A collection's items (a dictionary's values: its last type argument) of a reference type declared without '?'.
    private static bool ItemsNotNull(NullabilityInfo property)
    {
        var item = property.ElementType ?? (property.Type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.Type) && property.GenericTypeArguments.Length > 0
            ? property.GenericTypeArguments[^1]
            : null);
        return item is { ReadState: NullabilityState.NotNull } && !item.Type.IsValueType;
    }

    private static void Check(string name, object? value)
    {
        switch (value)
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value is null)
                    {
                        throw new NullItemException($"{name}.{entry.Key}");
                    }
                }

                break;
            case IEnumerable items and not string:
                var index = 0;
                foreach (var item in items)
                {
                    if (item is null)
                    {
                        throw new NullItemException($"{name}[{index}]");
                    }

                    index++;
                }

                break;
        }
    }
}

/// <summary>A null where the body needs a value; <see cref="JsonException.Path"/> is the object that holds <see cref="Item"/>.</summary>
public sealed class NullItemException(string item)
    : JsonException($"{item} is null; give it a value or leave it out of the body.")
{
    /// <summary>Where in the body, as a field path: <c>permissions.modules.Leads</c>, <c>fields[0]</c>.</summary>
    public string Field => Path is null or "$" ? item : $"{Path.TrimStart('$').TrimStart('.')}.{item}";

    /// <summary>The problem's sentence, naming <see cref="Field"/> (known once the serializer has set the path).</summary>
    public string Detail => $"{Field} is null; give it a value or leave it out of the body.";
}
