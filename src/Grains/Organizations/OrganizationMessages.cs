namespace CrmActors.Grains.Organizations;

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.create-organization")]
public sealed record CreateOrganization(
    string Name, string Plan, bool Trial, bool Developer, bool Sandbox, string TimeZone, string Domain, string AdminEmail, string AdminName);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.organization-patch")]
public sealed record OrganizationPatch(string? Name, string? Plan, string? TimeZone, IReadOnlyList<string>? Integrations);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.new-user")]
public sealed record NewUser(string Email, string Name, string Role, Profile? Profile);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.new-field")]
public sealed record NewField(string Name, string Type, bool Required = false, IReadOnlyList<string>? Values = null, string? LookupModule = null);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.new-module")]
public sealed record NewModule(string Name, IReadOnlyList<NewField> Fields);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.field-patch")]
public sealed record FieldPatch(IReadOnlyList<string>? Values, bool? Required);

/// <summary>Whether a save creates a configuration object (refused if the name is taken) or replaces one (refused if missing).</summary>
[GenerateSerializer, Alias("crm.save-mode")]
public enum SaveMode
{
    Create,
    Replace,
}
