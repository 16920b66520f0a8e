using CrmActors.Grains.MailAddOn.Parsing;

namespace CrmActors.Grains.MailAddOn.Linking;

/// <summary>The addresses a message is matched on: From, To and Cc, compared case-insensitively.</summary>
public static class MailAddresses
{
    /// <summary>
    /// Trimmed and lower-cased (invariant), the form the records table keeps e-mails in; null for
    /// something that is not an address (no '@', empty local part or domain).
    /// </summary>
    public static string? Normalize(string? address)
    {
        var trimmed = address?.Trim().Trim('<', '>').Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var at = trimmed.LastIndexOf('@');
        return at <= 0 || at == trimmed.Length - 1 ? null : trimmed.ToLowerInvariant();
    }

    public static IReadOnlySet<string> Of(ParsedMail mail) =>
        Of(mail.From.Concat(mail.To).Concat(mail.Cc).Select(p => p.Address));

    public static IReadOnlySet<string> Of(IEnumerable<string?> addresses) =>
        addresses.Select(Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
