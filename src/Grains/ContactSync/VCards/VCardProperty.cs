namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// One content line, <c>[group.]NAME;param=value:value</c>. <see cref="RawValue"/> is the value as
/// written (escaped, and still quoted-printable or base64 when ENCODING says so). A property read from
/// a card keeps its original lines, and the writer emits them unchanged, so properties the sync does
/// not map (X- properties, photos, labels) survive a round trip byte for byte.
/// </summary>
public sealed class VCardProperty
{
    public VCardProperty(string name, string rawValue, IEnumerable<VCardParameter>? parameters = null, string? group = null)
        : this(name, rawValue, parameters, group, original: null)
    {
    }

    internal VCardProperty(string name, string rawValue, IEnumerable<VCardParameter>? parameters, string? group, IReadOnlyList<string>? original)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        RawValue = rawValue;
        Parameters = new ValueList<VCardParameter>(parameters ?? []);
        Group = string.IsNullOrEmpty(group) ? null : group;
        Original = original;
    }

    public string? Group { get; }

    public string Name { get; }

    public ValueList<VCardParameter> Parameters { get; }

    public string RawValue { get; }

    /// <summary>The physical lines this property was read from; null once it is built or changed.</summary>
    internal IReadOnlyList<string>? Original { get; }

    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every value of the parameters named <paramref name="name"/> (<c>TYPE=a,b;TYPE=c</c> gives a, b, c).</summary>
    public IEnumerable<string> GetParameter(string name) => Parameters.Where(p => p.Is(name)).SelectMany(p => p.Values);

    public string? GetFirstParameter(string name) => GetParameter(name).FirstOrDefault();

    /// <summary>TYPE values, lower case, split at commas even inside quotes (<c>TYPE="work,voice"</c>).</summary>
    public IReadOnlyList<string> Types =>
        [.. GetParameter("TYPE").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => v.ToLowerInvariant()).Distinct()];

    /// <summary>Preferred by <c>TYPE=pref</c> (3.0) or <c>PREF=n</c> (4.0).</summary>
    public bool IsPreferred => Types.Contains("pref") || GetParameter("PREF").Any();

    public bool IsQuotedPrintable => GetParameter("ENCODING").Any(e => e.Equals("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase));

    /// <summary>The value with quoted-printable (via CHARSET) undone but text escapes kept.</summary>
    public string DecodedValue => IsQuotedPrintable ? QuotedPrintable.Decode(RawValue, GetFirstParameter("CHARSET")) : RawValue;

    /// <summary>The value as text: decoded and unescaped.</summary>
    public string GetText() => VCardText.Unescape(DecodedValue);

    /// <summary>The components of a structured value (N, ADR, ORG), each unescaped.</summary>
    public IReadOnlyList<string> GetComponents() => VCardText.SplitComponents(DecodedValue);

    /// <summary>A comma list (CATEGORIES, NICKNAME), each unescaped.</summary>
    public IReadOnlyList<string> GetList() => [.. VCardText.Split(DecodedValue, ',').Select(VCardText.Unescape).Where(v => v.Length > 0)];

    /// <summary>Inline binary data: <c>ENCODING=b</c>/<c>BASE64</c> (2.1, 3.0) or a base64 <c>data:</c> URI (4.0); null for a link.</summary>
    public byte[]? GetBinary()
    {
        try
        {
            if (GetParameter("ENCODING").Any(e => e.Equals("b", StringComparison.OrdinalIgnoreCase) || e.Equals("BASE64", StringComparison.OrdinalIgnoreCase)))
            {
                return Convert.FromBase64String(string.Concat(RawValue.Where(c => !char.IsWhiteSpace(c))));
            }

            if (RawValue.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && RawValue.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase) is var at and > 0)
            {
                return Convert.FromBase64String(RawValue[(at + 8)..]);
            }
        }
        catch (FormatException e)
        {
            throw new VCardFormatException($"The {Name} property has invalid base64 data.", e);
        }

        return null;
    }

    public static VCardProperty FromText(string name, string text, IEnumerable<VCardParameter>? parameters = null, string? group = null) =>
        new(name, VCardText.Escape(text), parameters, group);

    public static VCardProperty FromComponents(string name, IEnumerable<string?> components, IEnumerable<VCardParameter>? parameters = null, string? group = null) =>
        new(name, VCardText.JoinComponents(components), parameters, group);

    /// <summary>This property with another raw value; the group and parameters stay, except ENCODING and CHARSET, which the new plain UTF-8 value no longer has.</summary>
    public VCardProperty WithRawValue(string rawValue) =>
        new(Name, rawValue, Parameters.Where(p => !p.Is("ENCODING") && !p.Is("CHARSET")), Group);

    public VCardProperty WithParameters(IEnumerable<VCardParameter> parameters) => new(Name, RawValue, parameters, Group);

    public override string ToString() => VCardWriter.ComposeLine(this, "4.0");
}
