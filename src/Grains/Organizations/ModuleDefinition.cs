using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace CrmActors.Grains.Organizations;

/// <summary>
/// A field of a module. <see cref="LookupModule"/> "*" means a lookup to a record of any module;
/// <see cref="Parent"/> marks the lookup to the record this one depends on (deleted and restored with it).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.field-definition")]
public sealed record FieldDefinition(
    string Name,
    string Type,
    bool Required = false,
    ImmutableList<string>? Values = null,
    string? LookupModule = null,
    bool Parent = false,
    bool Custom = false)
{
    public const string AnyModule = "*";
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.module-definition")]
public sealed partial record ModuleDefinition(string Name, bool Custom, ImmutableList<FieldDefinition> Fields)
{
    // Fields by name, per field list (kept beside the record so its equality and serialization stay its own):
    // a bulk write looks up every cell's field.
    private static readonly ConditionalWeakTable<ImmutableList<FieldDefinition>, Dictionary<string, FieldDefinition>> ByName = new();

    public FieldDefinition? Field(string name) => ByName.GetValue(Fields, Index).GetValueOrDefault(name);

    /// <summary>The field whose value is indexed for e-mail lookups: "Email", else the first e-mail field.</summary>
    public string? EmailField => (Field("Email") is { Type: FieldTypes.Email } email ? email : Fields.FirstOrDefault(f => f.Type == FieldTypes.Email))?.Name;

    /// <summary>A human label for lists: the first required text field, else the first text field.</summary>
    public string? DisplayField =>
        (Fields.FirstOrDefault(f => f is { Required: true, Type: FieldTypes.Text }) ?? Fields.FirstOrDefault(f => f.Type == FieldTypes.Text))?.Name;

    public static bool IsValidName(string? name) => name is not null && ApiName().IsMatch(name);

    private static Dictionary<string, FieldDefinition> Index(ImmutableList<FieldDefinition> fields)
    {
        var index = new Dictionary<string, FieldDefinition>(fields.Count, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            index.TryAdd(field.Name, field);
        }

        return index;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,49}$")]
    private static partial Regex ApiName();
}
