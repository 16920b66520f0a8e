namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// The fields contact sync maps (SPEC §5 default mapping), read from or written into a card by
/// <see cref="VCardContacts"/>. Records with <see cref="ValueList{T}"/> members compare by value, so
/// the sync can diff two versions field by field.
/// </summary>
public sealed record ContactFields
{
    public string? Uid { get; init; }

    public string? FormattedName { get; init; }

    public string? FamilyName { get; init; }

    public string? GivenName { get; init; }

    public string? AdditionalNames { get; init; }

    public string? HonorificPrefixes { get; init; }

    public string? HonorificSuffixes { get; init; }

    public ValueList<TypedValue> Emails { get; init; } = ValueList<TypedValue>.Empty;

    public ValueList<TypedValue> Phones { get; init; } = ValueList<TypedValue>.Empty;

    public string? Organization { get; init; }

    public string? Department { get; init; }

    public string? Title { get; init; }

    public ValueList<PostalAddress> Addresses { get; init; } = ValueList<PostalAddress>.Empty;

    public string? Note { get; init; }

    /// <summary>BDAY as written: <c>1985-04-12</c>, <c>19850412</c>, <c>--0412</c> (no year).</summary>
    public string? Birthday { get; init; }

    public ValueList<string> Urls { get; init; } = ValueList<string>.Empty;

    /// <summary>CATEGORIES, which Google and Nextcloud use as contact groups.</summary>
    public ValueList<string> Categories { get; init; } = ValueList<string>.Empty;

    /// <summary>The work e-mail (SPEC §5 duplicate check and <c>Email</c> mapping), else the preferred, else the first.</summary>
    public string? WorkEmail =>
        (Emails.FirstOrDefault(e => e.Types.Contains("work")) ?? Emails.FirstOrDefault(e => e.Preferred) ?? Emails.FirstOrDefault())?.Value;
}

/// <summary>An e-mail, phone or similar value with its lower-case TYPE values (pref, internet and voice left out) and an Apple X-ABLabel if its group has one.</summary>
public sealed record TypedValue(string Value, ValueList<string> Types, bool Preferred = false, string? Label = null)
{
    public TypedValue(string value, params string[] types) : this(value, new ValueList<string>(types))
    {
    }
}

public sealed record PostalAddress(
    ValueList<string> Types,
    string? PoBox = null,
    string? Extended = null,
    string? Street = null,
    string? Locality = null,
    string? Region = null,
    string? PostalCode = null,
    string? Country = null);
