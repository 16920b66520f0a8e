namespace CrmActors.Runtime.Grains;

public interface IGrainFactory
{
    /// <summary>A reference to the grain with this key; calls go through its interface, one turn at a time.</summary>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}
