using System.Diagnostics.CodeAnalysis;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A job's (module, source ID) → new record ID ledger, as lookups read it. The run grain keeps the
/// ledger (per job, in the database) and may answer from a cache it fills per batch from
/// <see cref="MappedRow.Lookups"/>, so resolving needs no I/O here.
/// </summary>
public interface IMigrationLedger
{
    bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId);

    /// <summary>Makes <see cref="TryResolve"/> answer for <paramref name="keys"/> (a ledger in a database loads them); a ledger in memory has them already.</summary>
    Task LoadAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A ledger held in memory: for tests, dry runs and a run grain's per-batch cache.</summary>
public sealed class InMemoryMigrationLedger : IMigrationLedger
{
    private readonly Dictionary<(string, string), string> _ids = [];

    public int Count => _ids.Count;

    public void Add(string module, string sourceId, string newId) => _ids[(module, sourceId)] = newId;

    public bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId) => _ids.TryGetValue((module, sourceId), out newId);
}
