namespace CrmActors.Grains.ConfigCopy;

/// <summary>A configuration-copy key, stored under the key's hash: which organization it admits copies into, and whether it still can.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.copy-key-state")]
public sealed record CopyKeyState
{
    public string? TargetOrgId { get; init; }

    public string? IssuedBy { get; init; }

    public DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public string Status { get; init; } = CopyKeyStatus.Active;

    public DateTimeOffset? ClosedAt { get; init; }

    public string? SourceOrgId { get; init; }

    public string? TransferId { get; init; }

    public bool Exists => TargetOrgId is not null;

    /// <summary>The status at <paramref name="now"/>: an active key past its deadline is expired even before its reminder fired.</summary>
    public string StatusAt(DateTimeOffset now) => Status == CopyKeyStatus.Active && now >= ExpiresAt ? CopyKeyStatus.Expired : Status;
}

public static class CopyKeyStatus
{
    public const string Active = "active";
    public const string Used = "used";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
}
