namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// Contact groups kept as cards of their own: vCard 4.0 <c>KIND:group</c> + <c>MEMBER</c>, and Apple's
/// 3.0 <c>X-ADDRESSBOOKSERVER-KIND:group</c> + <c>X-ADDRESSBOOKSERVER-MEMBER</c> (iCloud, macOS).
/// Google and Nextcloud use CATEGORIES instead (<see cref="ContactFields.Categories"/>). The sync skips
/// group cards as contacts and adds a pushed contact's UID to the chosen group's members.
/// </summary>
public static class VCardGroups
{
    private const string AppleKind = "X-ADDRESSBOOKSERVER-KIND";
    private const string AppleMember = "X-ADDRESSBOOKSERVER-MEMBER";

    public static bool IsGroup(this VCard card) =>
        new[] { card.GetText("KIND"), card.GetText(AppleKind) }.Any(k => string.Equals(k?.Trim(), "group", StringComparison.OrdinalIgnoreCase));

    /// <summary>The members' UIDs, <c>urn:uuid:</c> dropped.</summary>
    public static IReadOnlyList<string> Members(this VCard card) =>
        [.. card.Properties.Where(IsMember).Select(p => Uid(p.GetText()))];

    public static VCard WithMember(this VCard group, string uid)
    {
        if (group.Members().Contains(Uid(uid)))
        {
            return group;
        }

        var name = group.IsVersion4 || group.Get("KIND") is not null ? "MEMBER" : AppleMember;
        var value = uid.Contains(':', StringComparison.Ordinal) ? uid : $"urn:uuid:{uid}";
        return group.Append(new VCardProperty(name, value));
    }

    public static VCard WithoutMember(this VCard group, string uid) =>
        new(group.Properties.Where(p => !(IsMember(p) && Uid(p.GetText()) == Uid(uid))));

    private static bool IsMember(VCardProperty p) => p.Is("MEMBER") || p.Is(AppleMember);

    private static string Uid(string value)
    {
        var v = value.Trim();
        return v.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? v[9..] : v;
    }
}
