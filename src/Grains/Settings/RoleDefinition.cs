namespace CrmActors.Grains.Settings;

/// <summary>A role in the organization's hierarchy; <see cref="ReportsTo"/> names the role above it (none for the top).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.role-definition")]
public sealed record RoleDefinition(string Name, string? ReportsTo);
