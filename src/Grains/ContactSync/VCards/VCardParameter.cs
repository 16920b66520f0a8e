namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// One parameter of a content line, <c>TYPE=work,home</c>: its name as written and its values, unquoted
/// and with RFC 6868 caret escapes decoded. A vCard 2.1 bare parameter (<c>;WORK</c>) is read as TYPE
/// (or ENCODING for QUOTED-PRINTABLE/BASE64).
/// </summary>
public sealed record VCardParameter(string Name, ValueList<string> Values)
{
    public VCardParameter(string name, params string[] values) : this(name, new ValueList<string>(values))
    {
    }

    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Name}={string.Join(',', Values)}";
}
