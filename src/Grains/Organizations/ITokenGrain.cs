namespace CrmActors.Grains.Organizations;

/// <summary>
/// One bearer token (key: its SHA-256), as authentication reads it on every request: loaded once from
/// the <c>tokens</c> table and then served from the activation for a minute at a time, so a request costs no
/// database query. Revocation (the organization grain's side effect) makes the activation forget it at once.
/// </summary>
public interface ITokenGrain : IGrainWithStringKey
{
    /// <summary>Who the token belongs to; null when it is unknown or revoked.</summary>
    [ReadOnly]
    Task<TokenStore.TokenOwner?> GetOwnerAsync();

    /// <summary>The token was revoked: the next read goes to the table again.</summary>
    Task ForgetAsync();
}
