using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

/// <summary>A named set of module and feature permissions.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.profile-definition")]
public sealed record ProfileDefinition(string Name, Profile Permissions);
