namespace CrmActors.Grains.Settings;

/// <summary>A role in the organization's hierarchy; <see cref="ReportsTo"/> names the role above it (none for the top).</summary>
public sealed record RoleDefinition(string Name, string? ReportsTo);
