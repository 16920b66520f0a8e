namespace CrmActors.Grains.MailAddOn.Linking;

/// <summary>The account types of SPEC §4; the API spells them <c>private</c>, <c>share_related</c>, <c>share_all</c>.</summary>
public enum MailAccountType
{
    Private,
    ShareRelated,
    ShareAll,
}

public static class MailAccountTypes
{
    public static string ToApi(this MailAccountType type) => type switch
    {
        MailAccountType.ShareRelated => "share_related",
        MailAccountType.ShareAll => "share_all",
        _ => "private",
    };

    public static MailAccountType? FromApi(string? value) => value switch
    {
        "private" => MailAccountType.Private,
        "share_related" => MailAccountType.ShareRelated,
        "share_all" => MailAccountType.ShareAll,
        _ => null,
    };
}
