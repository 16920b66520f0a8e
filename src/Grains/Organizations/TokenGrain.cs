namespace CrmActors.Grains.Organizations;

public sealed class TokenGrain(TokenStore tokens, TimeProvider clock) : Grain, ITokenGrain
{
    /// <summary>
    /// How long a loaded owner is served before the table is read again: the bound on how long a revoked token still
    /// works if its revocation's word never arrived (a silo died between the revocation's commit and telling this grain).
    /// </summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    private Task<TokenStore.TokenOwner?>? _owner;
    private DateTimeOffset _loadedAt;

    public async Task<TokenStore.TokenOwner?> GetOwnerAsync()
    {
        if (_owner is not null && clock.GetUtcNow() - _loadedAt > Freshness)
        {
            _owner = null;
        }

        // Concurrent reads ([ReadOnly] interleaves) share one load; a failed load is not kept.
        if (_owner is null)
        {
            _loadedAt = clock.GetUtcNow();
            _owner = tokens.FindByHashAsync(this.GetPrimaryKeyString());
        }

        var load = _owner;
        TokenStore.TokenOwner? owner;
        try
        {
            owner = await load;
        }
        catch
        {
            _owner = null;
            throw;
        }

        if (owner is null)
        {
            // Unknown tokens are not kept: random tokens sent by anyone must not pile up activations.
            _owner = null;
            DeactivateOnIdle();
        }

        return owner;
    }

    public Task ForgetAsync()
    {
        _owner = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
