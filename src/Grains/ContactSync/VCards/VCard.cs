namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// One vCard (2.1, 3.0 or 4.0) as an ordered list of properties between BEGIN:VCARD and END:VCARD.
/// Immutable: changes return a new card in which every untouched property keeps its original lines.
/// </summary>
public sealed class VCard
{
    public VCard(IEnumerable<VCardProperty> properties) => Properties = new ValueList<VCardProperty>(properties);

    public ValueList<VCardProperty> Properties { get; }

    /// <summary>VERSION, or "3.0" when a card omits it.</summary>
    public string Version => Get("VERSION")?.RawValue.Trim() ?? "3.0";

    public bool IsVersion4 => Version.StartsWith('4');

    public string? Uid => Get("UID")?.GetText();

    public VCardProperty? Get(string name) => Properties.FirstOrDefault(p => p.Is(name));

    public IEnumerable<VCardProperty> GetAll(string name) => Properties.Where(p => p.Is(name));

    /// <summary>The text of the first property named <paramref name="name"/>, e.g. a custom field's X-CRM-… property.</summary>
    public string? GetText(string name) => Get(name)?.GetText();

    /// <summary>
    /// Sets the first property named <paramref name="name"/> to <paramref name="text"/> (group and parameters kept) and
    /// drops the others of that name; null removes them. An equal value keeps the property's original lines.
    /// </summary>
    public VCard WithText(string name, string? text)
    {
        if (name.Equals("UID", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("A card's UID is never rewritten.");
        }

        return WithSingle(name, text is null ? null : VCardText.Escape(text), p => p.GetText() == text);
    }

    internal VCard WithSingle(string name, string? rawValue, Func<VCardProperty, bool> isSame)
    {
        var first = Get(name);
        if (rawValue is null)
        {
            return first is null ? this : new VCard(Properties.Where(p => !p.Is(name)));
        }

        if (first is null)
        {
            return Append(new VCardProperty(name.ToUpperInvariant(), rawValue));
        }

        var replacement = isSame(first) ? first : first.WithRawValue(rawValue);
        return new VCard(Properties.Where(p => !p.Is(name) || ReferenceEquals(p, first)).Select(p => ReferenceEquals(p, first) ? replacement : p));
    }

    public VCard Append(VCardProperty property) => new([.. Properties, property]);

    public static VCard Parse(string text) =>
        VCardReader.ReadAll(text) is [var card, ..] ? card : throw new VCardFormatException("The text holds no BEGIN:VCARD … END:VCARD.");

    public static IReadOnlyList<VCard> ParseAll(string text) => VCardReader.ReadAll(text);

    /// <summary>The card as text: CRLF lines folded at 75 octets; unchanged properties as they were read.</summary>
    public override string ToString() => VCardWriter.Write(this);
}
