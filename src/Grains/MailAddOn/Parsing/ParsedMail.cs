namespace CrmActors.Grains.MailAddOn.Parsing;

/// <summary>A sender or recipient as written in the message, the name decoded (RFC 2047) to text.</summary>
public sealed record MailParty(string? Name, string Address)
{
    public override string ToString() => string.IsNullOrEmpty(Name) ? Address : $"{Name} <{Address}>";
}

/// <summary>One header field as it appears in the message, its value decoded (RFC 2047) to text.</summary>
public sealed record MailHeader(string Name, string Value);

/// <summary>An attachment: file name decoded (RFC 2231 / RFC 2047), MIME type, and decoded size in bytes.</summary>
public sealed record MailAttachment(string FileName, string ContentType, long Size);

/// <summary>
/// The whole message as the API's <c>GET …/emails/{id}</c> returns it: every text decoded from its
/// charset and transfer encoding into .NET strings (UTF-8 on the wire).
/// </summary>
public sealed record ParsedMail(
    string? MessageId,
    IReadOnlyList<MailParty> From,
    IReadOnlyList<MailParty> To,
    IReadOnlyList<MailParty> Cc,
    string Subject,
    DateTimeOffset? Date,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyList<MailAttachment> Attachments)
{
    /// <summary>Every header field in message order.</summary>
    public IReadOnlyList<MailHeader> Headers { get; init; } = [];

    /// <summary>From, To and Cc addresses, normalized for matching against records' e-mail fields.</summary>
    public IReadOnlySet<string> LinkAddresses => Linking.MailAddresses.Of(this);
}

/// <summary>The list entry of <c>GET …/records/{id}/emails</c>: <c>{id, from, to, cc, subject, date, snippet}</c>.</summary>
public sealed record MailSummary(string Id, string From, IReadOnlyList<string> To, IReadOnlyList<string> Cc, string Subject, DateTimeOffset? Date, string Snippet);
