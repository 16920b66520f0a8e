using System.Collections.Immutable;

namespace CrmActors.Grains.ContactSync.Sync;

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.sync-pair-directory-state")]
public sealed record SyncPairDirectoryState
{
    public ImmutableList<SyncPairEntry> Pairs { get; init; } = [];
}
