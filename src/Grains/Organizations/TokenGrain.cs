namespace CrmActors.Grains.Organizations;

public sealed class TokenGrain(TokenStore tokens) : Grain, ITokenGrain
{
    private Task<TokenStore.TokenOwner?>? _owner;

    public async Task<TokenStore.TokenOwner?> GetOwnerAsync()
    {
        // Concurrent reads ([ReadOnly] interleaves) share one load; a failed load is not kept.
        var load = _owner ??= tokens.FindByHashAsync(this.GetPrimaryKeyString());
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
