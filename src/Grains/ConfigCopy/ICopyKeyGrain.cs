
namespace CrmActors.Grains.ConfigCopy;

/// <summary>
/// A configuration-copy key (key: the SHA-256 of the key; the key itself is never stored). It admits
/// one copy into its target organization within its validity, unless a newer key replaced it.
/// </summary>
public interface ICopyKeyGrain : IGrainWithStringKey
{
    /// <summary>Starts the key's validity now; its expiry is a durable reminder, and is also checked on every use.</summary>
    Task<CopyKeyState> IssueAsync(string targetOrgId, string issuedBy);

    /// <summary>Revokes an active key (a newer key for the same organization replaced it).</summary>
    Task RevokeAsync();

    /// <summary>
    /// Uses the key for one transfer from <paramref name="sourceOrgId"/>; returns the key with its target.
    /// Refused with <c>key-invalid</c> (reason unknown, expired, used, revoked or own-organization) and nothing changed.
    /// </summary>
    Task<CopyKeyState> RedeemAsync(string sourceOrgId, string transferId);

    [ReadOnly]
    Task<CopyKeyState> GetAsync();
}
