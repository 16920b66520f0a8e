using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

/// <summary>A named set of module and feature permissions.</summary>
public sealed record ProfileDefinition(string Name, Profile Permissions);
