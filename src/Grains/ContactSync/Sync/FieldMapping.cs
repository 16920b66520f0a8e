using System.Collections.Immutable;
using System.Text.RegularExpressions;
using CrmActors.Grains.Common;
using CrmActors.Grains.ContactSync.VCards;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// Which CRM field syncs with which vCard property (SPEC §5 default mapping plus the pair's fieldMap), and
/// reading and writing those values on a card. <c>N.GIVEN</c>/<c>N.FAMILY</c> are the name's components,
/// <c>EMAIL</c> the work e-mail (else the first), <c>TEL</c>/<c>URL</c> the first; any other property
/// (X- ones for custom fields) is one text value. Properties the mapping does not name stay as they are.
/// </summary>
public sealed partial class FieldMapping
{
    public const string Given = "N.GIVEN";
    public const string Family = "N.FAMILY";

    private static readonly string[] Known = [Given, Family, "FN", "EMAIL", "TEL", "ORG", "TITLE", "NOTE", "BDAY", "URL", "NICKNAME", "ROLE"];

    private FieldMapping(IReadOnlyList<(string Field, string Property)> pairs) => Pairs = pairs;

    /// <summary>CRM field → vCard property, in a stable order.</summary>
    public IReadOnlyList<(string Field, string Property)> Pairs { get; }

    public IEnumerable<string> Fields => Pairs.Select(p => p.Field);

    public static IReadOnlyList<(string Field, string Property)> Defaults(ModuleDefinition module)
    {
        (string, string)[] candidates =
        [
            ("First_Name", Given), ("Last_Name", Family), ("Email", "EMAIL"), ("Phone", "TEL"),
            ("Account_Name", "ORG"), ("Company", "ORG"), ("Vendor_Name", "ORG"),
        ];
        var taken = new HashSet<string>();
        return [.. candidates.Where(c => module.Field(c.Item1) is not null && taken.Add(c.Item2))];
    }

    /// <summary>The mapping of a pair; refuses (400 naming <c>fieldMap.&lt;field&gt;</c>) a field the module lacks, an upload field, an unknown property or a property mapped twice.</summary>
    public static FieldMapping For(ModuleDefinition module, IReadOnlyDictionary<string, string> fieldMap)
    {
        var pairs = Defaults(module).ToList();
        foreach (var (field, raw) in fieldMap)
        {
            var definition = module.Field(field)
                ?? throw ProblemException.Validation($"fieldMap.{field}", $"{module.Name} has no field {field}; map fields of the module (custom fields included).");
            if (FieldTypes.IsUpload(definition.Type))
            {
                throw ProblemException.Validation($"fieldMap.{field}", $"{field} is a file field; only values can be synced.");
            }

            pairs.RemoveAll(p => p.Field == definition.Name);
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var property = raw.Trim().ToUpperInvariant();
            if (!Known.Contains(property) && !Extension().IsMatch(property))
            {
                throw ProblemException.Validation($"fieldMap.{field}",
                    $"'{raw}' is not a vCard property the sync maps; use one of {string.Join(", ", Known)} or an X- property such as X-{field.ToUpperInvariant().Replace('_', '-')}.");
            }

            pairs.RemoveAll(p => p.Property == property && !fieldMap.ContainsKey(p.Field));
            if (pairs.Any(p => p.Property == property))
            {
                throw ProblemException.Validation($"fieldMap.{field}", $"{property} is mapped to {pairs.First(p => p.Property == property).Field} already; a property syncs with one field.");
            }

            pairs.Add((definition.Name, property));
        }

        return new FieldMapping(pairs);
    }

    /// <summary>The mapped values of a card, by CRM field (absent or empty values are null).</summary>
    public ImmutableDictionary<string, string?> Read(VCard card)
    {
        var fields = card.ToFields();
        return Pairs.ToImmutableDictionary(p => p.Field, p => Empty(p.Property switch
        {
            Given => fields.GivenName,
            Family => fields.FamilyName,
            "FN" => fields.FormattedName,
            "EMAIL" => fields.WorkEmail,
            "TEL" => fields.Phones.FirstOrDefault()?.Value,
            "ORG" => fields.Organization,
            "TITLE" => fields.Title,
            "NOTE" => fields.Note,
            "BDAY" => fields.Birthday,
            "URL" => fields.Urls.FirstOrDefault(),
            var other => card.GetText(other),
        }));
    }

    /// <summary>Writes <paramref name="values"/> (CRM field → value) into <paramref name="card"/>; every other line stays as it was.</summary>
    public VCard Write(VCard card, IReadOnlyDictionary<string, string?> values, string? group = null)
    {
        var fields = card.ToFields();
        var next = fields;
        var others = new List<(string Property, string? Value)>();
        foreach (var (field, property) in Pairs)
        {
            if (!values.TryGetValue(field, out var value))
            {
                continue;
            }

            value = Empty(value);
            next = property switch
            {
                Given => next with { GivenName = value },
                Family => next with { FamilyName = value },
                "FN" => next with { FormattedName = value },
                "EMAIL" => next with { Emails = WithWorkEmail(next.Emails, value) },
                "TEL" => next with { Phones = WithFirst(next.Phones, value) },
                "ORG" => next with { Organization = value },
                "TITLE" => next with { Title = value },
                "NOTE" => next with { Note = value },
                "BDAY" => next with { Birthday = value },
                "URL" => next with { Urls = value is null ? new(next.Urls.Skip(1)) : new([value, .. next.Urls.Skip(1)]) },
                _ => next,
            };
            if (!Known.Contains(property))
            {
                others.Add((property, value));
            }
        }

        if (!Pairs.Any(p => p.Property == "FN") && (next.GivenName != fields.GivenName || next.FamilyName != fields.FamilyName || next.Organization != fields.Organization))
        {
            next = next with { FormattedName = null }; // FN follows the changed name
        }

        if (group is not null && !next.Categories.Contains(group, StringComparer.OrdinalIgnoreCase))
        {
            next = next with { Categories = new([.. next.Categories, group]) };
        }

        var written = next == fields ? card : card.WithFields(next);
        foreach (var (property, value) in others)
        {
            written = written.WithText(property, value);
        }

        return written;
    }

    /// <summary>Equal for the sync: blank is absent, and e-mail addresses ignore case (the CRM stores them as typed, servers may not).</summary>
    public static bool Same(string? a, string? b)
    {
        a = Empty(a);
        b = Empty(b);
        return a == b || (a is not null && b is not null && a.Contains('@', StringComparison.Ordinal) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase));
    }

    private static ValueList<TypedValue> WithWorkEmail(ValueList<TypedValue> emails, string? value)
    {
        var current = emails.FirstOrDefault(e => e.Types.Contains("work")) ?? emails.FirstOrDefault(e => e.Preferred) ?? emails.FirstOrDefault();
        if (current is null)
        {
            return value is null ? emails : new([new TypedValue(value, "work"), .. emails]);
        }

        return new(value is null ? emails.Where(e => !ReferenceEquals(e, current)) : emails.Select(e => ReferenceEquals(e, current) ? e with { Value = value } : e));
    }

    private static ValueList<TypedValue> WithFirst(ValueList<TypedValue> values, string? value) => values.Count == 0
        ? value is null ? values : new([new TypedValue(value, "work")])
        : new(value is null ? values.Skip(1) : [values[0] with { Value = value }, .. values.Skip(1)]);

    internal static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^X-[A-Z0-9-]{1,60}$")]
    private static partial Regex Extension();
}
