using System.Collections.Immutable;

namespace CrmActors.Grains.Settings;

/// <summary>
/// A process on a module's picklist field: the values it moves through (<see cref="States"/>) and the
/// transitions allowed between them, each with the fields that must be filled to take it.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.blueprint")]
public sealed record Blueprint(
    string Name,
    string Module,
    string Field,
    ImmutableList<string> States,
    ImmutableList<BlueprintTransition> Transitions);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.blueprint-transition")]
public sealed record BlueprintTransition(string Name, string From, string To, ImmutableList<string> RequiredFields);
