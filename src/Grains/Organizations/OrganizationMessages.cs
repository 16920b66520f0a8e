namespace CrmActors.Grains.Organizations;

public sealed record CreateOrganization(
    string Name, string Plan, bool Trial, bool Developer, bool Sandbox, string TimeZone, string Domain, string AdminEmail, string AdminName);

public sealed record OrganizationPatch(string? Name, string? Plan, string? TimeZone, IReadOnlyList<string>? Integrations);

public sealed record NewUser(string Email, string Name, string Role, Profile? Profile);

public sealed record NewField(string Name, string Type, bool Required = false, IReadOnlyList<string>? Values = null, string? LookupModule = null);

public sealed record NewModule(string Name, IReadOnlyList<NewField> Fields);

public sealed record FieldPatch(IReadOnlyList<string>? Values, bool? Required);

/// <summary>Whether a save creates a configuration object (refused if the name is taken) or replaces one (refused if missing).</summary>
public enum SaveMode
{
    Create,
    Replace,
}
