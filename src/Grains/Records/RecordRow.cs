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
    string Data);
