namespace CrmActors.Grains.Common;

/// <summary>
/// References to string-keyed grains without Orleans's per-call interface resolution. Orleans 10.4's
/// <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string?)"/> resolves the interface's
/// <see cref="GrainInterfaceType"/> on every call (an attribute lookup and a type-name format): that was 7% of the
/// Silo's CPU under <c>GET /api/orgs/{org}</c>, which makes two such references per request. This resolves each
/// interface once, from the first reference Orleans makes, and makes the next ones from the resolved types.
/// The cache is per process, not per factory: every silo and client here loads the same grain assemblies, so an
/// interface names the same grain type through any of them.
/// </summary>
public static class GrainReferences
{
    public static TGrain Grain<TGrain>(this IGrainFactory grains, string key) where TGrain : IGrainWithStringKey
    {
        if (Resolved<TGrain>.Types is { } types)
        {
            return (TGrain)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        }

        var grain = grains.GetGrain<TGrain>(key);
        Resolved<TGrain>.Types = new GrainTypes(grain.GetGrainId().Type, ((GrainReference)(object)grain).InterfaceType);
        return grain;
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);

    private static class Resolved<TGrain>
    {
        // A reference, so a reader sees the whole pair or none; two first calls racing resolve the same pair.
        public static GrainTypes? Types;
    }
}
