using System.Collections.Immutable;

namespace CrmActors.Grains.Organizations;

/// <summary>An organization's settings, users and data schema: the organization grain's state.</summary>
public sealed record OrganizationState
{
    public string? Id { get; init; }

    public string Name { get; init; } = "";

    public string Plan { get; init; } = Plans.Free;

    public bool Trial { get; init; }

    public bool Developer { get; init; }

    public bool Sandbox { get; init; }

    public string TimeZone { get; init; } = "UTC";

    public string Domain { get; init; } = "";

    public ImmutableList<string> Integrations { get; init; } = [];

    public string PrimaryContactUserId { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public ImmutableList<UserAccount> Users { get; init; } = [];

    public ImmutableList<ModuleDefinition> Modules { get; init; } = [];

    public bool Exists => Id is not null;

    public UserAccount? User(string id) => Users.FirstOrDefault(u => u.Id == id);

    public ModuleDefinition? Module(string name) => Modules.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
