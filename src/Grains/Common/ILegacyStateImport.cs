namespace CrmActors.Grains.Common;

/// <summary>
/// Takes over a grain's state from a database made by the build before the Orleans port (its
/// <c>grain_state</c> table held each grain's state as web-style JSON). Implemented by every
/// <see cref="CrmGrain{TState}"/>; the silo's upgrade step calls it once per old row.
/// </summary>
public interface ILegacyStateImport : IGrainWithStringKey
{
    /// <summary>Adopts <paramref name="json"/> as the state unless the grain already has one; true when it did.</summary>
    Task<bool> ImportLegacyStateAsync(string json);
}
