namespace CrmActors.Grains.Records;

/// <summary>A record as stored: system columns plus the field values as a JSON object.</summary>
public sealed record RecordRow(
    string Id,
    string OrgId,
    string Module,
    string OwnerId,
    long CreatedAt,
    string CreatedBy,
    long ModifiedAt,
    string ModifiedBy,
    string? Email,
    string? ParentId,
    string Data)
{
    /// <summary>
    /// The version clients send back in <c>If-Match</c>: a hash of everything an edit can change, so two edits in
    /// the same millisecond still differ and an edit that changes nothing keeps it.
    /// </summary>
    public string ETag => "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes($"{ModifiedAt}\n{OwnerId}\n{Data}")), 0, 12) + "\"";
}
