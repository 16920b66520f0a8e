namespace CrmActors.Grains.MailAddOn.Linking;

/// <summary>Which records a message is linked to, and whether a backup keeps it (SPEC §4).</summary>
public static class MailLinks
{
    /// <summary>
    /// The IDs of every record whose e-mail field equals one of <paramref name="addresses"/>
    /// (case-insensitively), each once, in ordinal order. <paramref name="recordsByEmail"/> is the answer of a
    /// lookup such as <c>SELECT email, id FROM records WHERE org_id = @org AND email IN (@addresses)</c>.
    /// </summary>
    public static IReadOnlyList<string> Link(IEnumerable<string> addresses, IReadOnlyDictionary<string, IReadOnlyList<string>> recordsByEmail)
    {
        var byNormalized = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (email, ids) in recordsByEmail)
        {
            if (MailAddresses.Normalize(email) is { } key)
            {
                (byNormalized.TryGetValue(key, out var list) ? list : byNormalized[key] = []).AddRange(ids);
            }
        }

        return [.. MailAddresses.Of(addresses)
            .SelectMany(a => byNormalized.TryGetValue(a, out var ids) ? ids : [])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary><c>share_related</c> keeps a message linked to at least one record, <c>share_all</c> every message; a <c>private</c> mailbox shares none.</summary>
    public static bool Keeps(MailAccountType accountType, int linkedRecords) => accountType switch
    {
        MailAccountType.ShareAll => true,
        MailAccountType.ShareRelated => linkedRecords > 0,
        _ => false,
    };

    /// <summary>Both steps for one message: the linked records, and whether the backup stores the message at all.</summary>
    public static (IReadOnlyList<string> RecordIds, bool Keep) Decide(MailAccountType accountType, IEnumerable<string> addresses, IReadOnlyDictionary<string, IReadOnlyList<string>> recordsByEmail)
    {
        var ids = Link(addresses, recordsByEmail);
        return (ids, Keeps(accountType, ids.Count));
    }
}
