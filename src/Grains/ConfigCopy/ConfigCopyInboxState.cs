using System.Collections.Immutable;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>An organization's side of configuration copy: its one current key and the transfers it received.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.config-copy-inbox-state")]
public sealed record ConfigCopyInboxState
{
    /// <summary>The hash of the newest key; every older key is revoked.</summary>
    public string? CurrentKeyHash { get; init; }

    /// <summary>Received transfer IDs, oldest first.</summary>
    public ImmutableList<string> TransferIds { get; init; } = [];
}
