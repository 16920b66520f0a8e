using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Parsing;

namespace CrmActors.Grains.MailAddOn.Archive;

/// <summary>
/// One message a backup saw, ready to be written: its summary (kept in the table so record pages list
/// messages without reading blobs), the addresses it links on, and where its bytes are.
/// </summary>
public sealed record ArchivedMail(
    string OrgId, string UserId, string MessageKey, string BackupId, string BlobPath, string? MessageId, MailSummary Summary,
    IReadOnlySet<string> Addresses, long Size, bool HeadersOnly)
{
    /// <summary>The e-mail's ID is derived from its mailbox and key, so writing the same message twice finds the first row.</summary>
    public string Id => EmailId(OrgId, UserId, MessageKey);

    public static string EmailId(string orgId, string userId, string messageKey) => Ids.Sha256($"{orgId}/{userId}/{messageKey}")[..32];
}

/// <summary>A stored e-mail's row: its summary, whether it was kept, and where its bytes are.</summary>
public sealed record EmailRow(string Id, string UserId, string BackupId, bool Kept, string? BlobPath, bool HeadersOnly, long Size, MailSummary Summary);

/// <summary>A mailbox backup as the dashboards list it.</summary>
public sealed record MailBackupRow(
    string BackupId, string OrgId, string UserId, string Kind, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    Mailboxes.MailBackupCounts Counts, string? Error);
