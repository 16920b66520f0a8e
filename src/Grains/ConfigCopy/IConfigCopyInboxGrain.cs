
namespace CrmActors.Grains.ConfigCopy;

/// <summary>An organization's configuration-copy inbox (key: org ID): its current key and its incoming transfers.</summary>
public interface IConfigCopyInboxGrain : IGrainWithStringKey
{
    /// <summary>Makes <paramref name="keyHash"/> the current key and audits it; returns the key it replaced, to be revoked.</summary>
    Task<string?> ReplaceKeyAsync(string keyHash, DateTimeOffset expiresAt, string actorId);

    /// <summary>Lists a received transfer (idempotent).</summary>
    Task AddTransferAsync(string transferId);

    [ReadOnly]
    Task<ConfigCopyInboxState> GetAsync();
}
