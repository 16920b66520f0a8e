using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Records;

/// <summary>Who is asking: the signed-in user and their organization as committed when the request began.</summary>
public sealed record Actor(OrganizationState Org, UserAccount User)
{
    public string OrgId => Org.Id!;

    /// <summary>The module, if it exists and the user may perform <paramref name="action"/> on it.</summary>
    public ModuleDefinition Authorize(string module, string action)
    {
        var definition = Org.Module(module) ?? throw ProblemException.NotFound($"Module {module}");
        return User.Can(definition.Name, action)
            ? definition
            : throw ProblemException.Forbidden($"Your profile does not allow '{action}' on {definition.Name}; ask an administrator.");
    }
}
