using CrmActors.Grains.Common;

namespace CrmActors.Grains.ContactSync.Sync;

public sealed class SyncPairDirectoryGrain(
    [PersistentState("sync-pair-directory", StorageNames.Crm)] IPersistentState<StoredState<SyncPairDirectoryState>> state,
    CrmGrainServices services)
    : CrmGrain<SyncPairDirectoryState>(state, services), ISyncPairDirectoryGrain
{
    public async Task<SyncPairState> CreateAsync(SyncPairState pair)
    {
        foreach (var entry in State.Pairs.Where(e => e.UserId == pair.UserId && string.Equals(e.Module, pair.Module, StringComparison.OrdinalIgnoreCase)))
        {
            // An entry whose grain never stored its pair (a crash between the two writes) does not hold the place.
            if ((await GrainFactory.Grain<ISyncPairGrain>(entry.PairId).GetAsync()).Exists)
            {
                throw ProblemException.Conflict("sync-pair-exists",
                    $"You already have sync pair {entry.PairId} for {entry.Module}; change, disable or delete it instead (one pair per user per module).");
            }

            State = State with { Pairs = State.Pairs.Remove(entry) };
        }

        State = State with { Pairs = State.Pairs.Add(new SyncPairEntry(pair.Id!, pair.UserId, pair.Module)) };
        await CommitAsync();
        try
        {
            return await GrainFactory.Grain<ISyncPairGrain>(pair.Id!).CreateAsync(pair);
        }
        catch (ProblemException)
        {
            State = State with { Pairs = State.Pairs.RemoveAll(e => e.PairId == pair.Id) };
            throw;
        }
    }

    public Task RemoveAsync(string pairId)
    {
        State = State with { Pairs = State.Pairs.RemoveAll(e => e.PairId == pairId) };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SyncPairEntry>> ListAsync() => Task.FromResult<IReadOnlyList<SyncPairEntry>>(State.Pairs);
}
