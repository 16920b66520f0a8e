namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// The typed view of a card for the sync: <see cref="ToFields"/> reads the mapped fields,
/// <see cref="WithFields"/> writes them back into the same card. A field whose value did not change
/// keeps its property untouched; a changed one keeps its group and other parameters; every property
/// the mapping does not cover stays as read. The UID is never rewritten.
/// </summary>
public static class VCardContacts
{
    public const string ProductId = "-//CrmActors//Contact sync//EN";

    private static readonly string[] NoiseTypes = ["pref", "internet", "voice", "x400"];

    public static ContactFields ToFields(this VCard card)
    {
        var n = card.Get("N")?.GetComponents() ?? [];
        var org = card.Get("ORG")?.GetComponents() ?? [];
        return new ContactFields
        {
            Uid = card.Uid,
            FormattedName = NullIfEmpty(card.GetText("FN")),
            FamilyName = Component(n, 0),
            GivenName = Component(n, 1),
            AdditionalNames = Component(n, 2),
            HonorificPrefixes = Component(n, 3),
            HonorificSuffixes = Component(n, 4),
            Emails = new(card.GetAll("EMAIL").Select(p => ReadTyped(card, p, p.GetText().Trim()))),
            Phones = new(card.GetAll("TEL").Select(p => ReadTyped(card, p, PhoneText(p)))),
            Organization = Component(org, 0),
            Department = Component(org, 1),
            Title = NullIfEmpty(card.GetText("TITLE")),
            Addresses = new(card.GetAll("ADR").Select(ReadAddress)),
            Note = NullIfEmpty(card.GetText("NOTE")),
            Birthday = NullIfEmpty(card.GetText("BDAY")?.Trim()),
            Urls = new(card.GetAll("URL").Select(p => p.GetText().Trim())),
            Categories = new(card.GetAll("CATEGORIES").SelectMany(p => p.GetList()).Select(c => c.Trim())),
        };
    }

    /// <summary>A new card for a CRM record: VERSION, PRODID, UID (given or a new urn:uuid), then the fields.</summary>
    public static VCard Create(ContactFields fields, string version = "3.0")
    {
        var uid = fields.Uid ?? $"urn:uuid:{Guid.NewGuid()}";
        var card = new VCard(
        [
            new VCardProperty("VERSION", version),
            new VCardProperty("PRODID", ProductId),
            VCardProperty.FromText("UID", uid),
        ]);
        return card.WithFields(fields with { Uid = uid });
    }

    public static VCard WithFields(this VCard card, ContactFields fields)
    {
        var v4 = card.IsVersion4;
        if (card.Uid is null && fields.Uid is { } uid)
        {
            card = card.Append(VCardProperty.FromText("UID", uid));
        }

        var names = new[] { fields.FamilyName, fields.GivenName, fields.AdditionalNames, fields.HonorificPrefixes, fields.HonorificSuffixes };
        var fn = fields.FormattedName ?? FormatName(fields) ?? card.GetText("FN") ?? fields.Organization ?? fields.WorkEmail ?? "";
        card = card.WithSingle("FN", VCardText.Escape(fn), p => p.GetText() == fn);
        card = names.All(string.IsNullOrEmpty) && card.Get("N") is null
            ? card.WithSingle("N", ";;;;", _ => false)
            : card.WithSingle("N", VCardText.JoinComponents(names), p => SameComponents(p.GetComponents(), names));

        var existingOrg = card.Get("ORG")?.GetComponents() ?? [];
        string?[] org = [fields.Organization, fields.Department, .. existingOrg.Skip(2)];
        card = fields.Organization is null && fields.Department is null
            ? card.WithSingle("ORG", null, _ => true)
            : card.WithSingle("ORG", VCardText.JoinComponents(org.Length == 2 && fields.Department is null ? [fields.Organization] : org), p => SameComponents(p.GetComponents(), org));

        card = card.WithText("TITLE", fields.Title).WithText("NOTE", fields.Note);
        card = card.WithSingle("BDAY", fields.Birthday, p => p.GetText().Trim() == fields.Birthday);

        card = ListMerge.Merge(card, "EMAIL", fields.Emails, p => ReadTyped(card, p, p.GetText().Trim()),
            (a, b) => a.Value.Equals(b.Value, StringComparison.OrdinalIgnoreCase), (want, old) => BuildTyped("EMAIL", want, old, VCardText.Escape(want.Value), v4));
        card = ListMerge.Merge(card, "TEL", fields.Phones, p => ReadTyped(card, p, PhoneText(p)),
            (a, b) => Digits(a.Value) == Digits(b.Value), (want, old) => BuildTyped("TEL", want, old, VCardText.Escape(want.Value), v4));
        card = ListMerge.Merge(card, "ADR", fields.Addresses, ReadAddress,
            (a, b) => a with { Types = b.Types } == b, (want, old) => BuildAddress(want, old, v4));
        card = ListMerge.Merge(card, "URL", fields.Urls, p => p.GetText().Trim(),
            (a, b) => a == b, (want, old) => old?.WithRawValue(want) ?? new VCardProperty("URL", want));

        var categories = fields.Categories;
        return card.WithSingle("CATEGORIES", categories.Count == 0 ? null : string.Join(',', categories.Select(VCardText.Escape)),
            p => card.GetAll("CATEGORIES").SelectMany(c => c.GetList()).Select(c => c.Trim()).SequenceEqual(categories));
    }

    private static TypedValue ReadTyped(VCard card, VCardProperty p, string value) =>
        new(value, new(p.Types.Where(t => !NoiseTypes.Contains(t))), p.IsPreferred, Label(card, p.Group));

    private static VCardProperty BuildTyped(string name, TypedValue want, VCardProperty? old, string rawValue, bool v4)
    {
        var oldTypes = old is null ? null : new ValueList<string>(old.Types.Where(t => !NoiseTypes.Contains(t)));
        if (old is not null && oldTypes == want.Types && old.IsPreferred == want.Preferred)
        {
            return old.WithRawValue(rawValue);
        }

        var keep = old?.Parameters.Where(p => !p.Is("TYPE") && !p.Is("PREF") && !p.Is("ENCODING") && !p.Is("CHARSET")) ?? [];
        return new VCardProperty(name, rawValue, [.. keep, .. TypeParameters(want.Types, want.Preferred, v4, name == "EMAIL")], old?.Group);
    }

    private static IEnumerable<VCardParameter> TypeParameters(IEnumerable<string> types, bool preferred, bool v4, bool email)
    {
        var values = v4
            ? types.Select(t => t.ToLowerInvariant()).ToList()
            : [.. (email ? ["INTERNET"] : Array.Empty<string>()), .. types.Select(t => t.ToUpperInvariant()), .. (preferred ? ["PREF"] : Array.Empty<string>())];
        if (values.Count > 0)
        {
            yield return new VCardParameter("TYPE", new ValueList<string>(values));
        }

        if (v4 && preferred)
        {
            yield return new VCardParameter("PREF", "1");
        }
    }

    private static PostalAddress ReadAddress(VCardProperty p)
    {
        var c = p.GetComponents();
        return new PostalAddress(new(p.Types.Where(t => !NoiseTypes.Contains(t))),
            Component(c, 0), Component(c, 1), Component(c, 2), Component(c, 3), Component(c, 4), Component(c, 5), Component(c, 6));
    }

    private static VCardProperty BuildAddress(PostalAddress want, VCardProperty? old, bool v4)
    {
        var raw = VCardText.JoinComponents([want.PoBox, want.Extended, want.Street, want.Locality, want.Region, want.PostalCode, want.Country]);
        if (old is not null && new ValueList<string>(old.Types.Where(t => !NoiseTypes.Contains(t))) == want.Types)
        {
            return old.WithRawValue(raw);
        }

        var keep = old?.Parameters.Where(p => !p.Is("TYPE") && !p.Is("PREF") && !p.Is("ENCODING") && !p.Is("CHARSET")) ?? [];
        return new VCardProperty("ADR", raw, [.. keep, .. TypeParameters(want.Types, false, v4, email: false)], old?.Group);
    }

    /// <summary>Apple's label for a grouped property: <c>item1.X-ABLabel:_$!&lt;Other&gt;!$_</c> gives "Other".</summary>
    private static string? Label(VCard card, string? group)
    {
        if (group is null)
        {
            return null;
        }

        var label = card.Properties.FirstOrDefault(p => p.Is("X-ABLabel") && string.Equals(p.Group, group, StringComparison.OrdinalIgnoreCase))?.GetText();
        return label is { Length: > 8 } && label.StartsWith("_$!<", StringComparison.Ordinal) && label.EndsWith(">!$_", StringComparison.Ordinal) ? label[4..^4] : label;
    }

    private static string PhoneText(VCardProperty p)
    {
        var text = p.GetText().Trim();
        return text.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? text[4..] : text;
    }

    private static string Digits(string phone) => new([.. phone.Where(c => char.IsAsciiDigit(c) || c == '+')]);

    private static string? FormatName(ContactFields f)
    {
        string?[] parts = f.FamilyName?.Any(IsCjk) == true || f.GivenName?.Any(IsCjk) == true
            ? [f.FamilyName, f.GivenName]
            : [f.HonorificPrefixes, f.GivenName, f.AdditionalNames, f.FamilyName, f.HonorificSuffixes];
        var name = string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p)));
        return name.Length == 0 ? null : name;
    }

    private static bool IsCjk(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uAC00' and <= '\uD7AF');

    private static bool SameComponents(IReadOnlyList<string> have, IReadOnlyList<string?> want) =>
        Enumerable.Range(0, Math.Max(have.Count, want.Count)).All(i => Component(have, i) == NullIfEmpty(i < want.Count ? want[i] : null));

    private static string? Component(IReadOnlyList<string> components, int index) =>
        index < components.Count ? NullIfEmpty(components[index].Trim()) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
