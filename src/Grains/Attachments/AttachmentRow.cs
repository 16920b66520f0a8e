namespace CrmActors.Grains.Attachments;

/// <summary>A file on a record: an attachment (<see cref="Field"/> null) or the file of an upload field.</summary>
public sealed record AttachmentRow(
    string Id,
    string OrgId,
    string RecordId,
    string? Field,
    string FileName,
    string ContentType,
    long Size,
    string Sha256,
    string BlobPath,
    long CreatedAt,
    string CreatedBy);
