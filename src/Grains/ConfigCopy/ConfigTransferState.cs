using System.Collections.Immutable;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>A configuration copy sent to a target organization, from receipt to its outcome.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.config-transfer-state")]
public sealed record ConfigTransferState
{
    public string? Id { get; init; }

    public string SourceOrgId { get; init; } = "";

    public string SourceOrgName { get; init; } = "";

    public string SentBy { get; init; } = "";

    public string TargetOrgId { get; init; } = "";

    public DateTimeOffset ReceivedAt { get; init; }

    public ConfigurationPackage? Package { get; init; }

    public string Status { get; init; } = TransferStatus.Pending;

    /// <summary>The preview as of receipt, then as of approval (a pending transfer's preview is recomputed when read).</summary>
    public ImmutableList<PreviewItem> Preview { get; init; } = [];

    public DateTimeOffset? DecidedAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? FailureReason { get; init; }

    public int? AppliedChanges { get; init; }

    public bool Exists => Id is not null;
}

public static class TransferStatus
{
    public const string Pending = "pending";
    public const string Applying = "applying";
    public const string Applied = "applied";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.incoming-transfer")]
public sealed record IncomingTransfer(string SourceOrgId, string SourceOrgName, string SentBy, string TargetOrgId, ConfigurationPackage Package);

/// <summary>How applying ended: the application, or why it failed (the target is then unchanged).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.transfer-outcome")]
public sealed record TransferOutcome(AppliedCopy? Applied, string? FailureReason);
