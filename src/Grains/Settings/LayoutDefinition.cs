using System.Collections.Immutable;

namespace CrmActors.Grains.Settings;

/// <summary>How a module's record page is arranged: named sections, each with its fields in order.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.layout-definition")]
public sealed record LayoutDefinition(string Module, string Name, ImmutableList<LayoutSection> Sections);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.layout-section")]
public sealed record LayoutSection(string Name, ImmutableList<string> Fields);
