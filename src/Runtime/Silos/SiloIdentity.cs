namespace CrmActors.Runtime.Silos;

/// <summary>This node: a fresh ID per process (lease owner), a display name and its address.</summary>
public sealed record SiloIdentity(string Id, string Name, string Address, DateTimeOffset StartedAt);
