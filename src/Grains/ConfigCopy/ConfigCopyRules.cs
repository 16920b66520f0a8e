using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>Who may copy configuration: each refusal names the rule that refused it.</summary>
public static class ConfigCopyRules
{
    /// <summary>Plans standard to ultimate, and trial and developer organizations; never free or sandbox organizations.</summary>
    public static void RequireAvailable(OrganizationState org)
    {
        if (org.Sandbox)
        {
            throw new ProblemException(403, ProblemCodes.PlanNotAllowed,
                "Configuration copy is not available in sandbox organizations; send from or to a production organization.",
                new Dictionary<string, object?> { ["rule"] = "sandbox" });
        }

        if (org.Plan == Plans.Free && !org.Trial && !org.Developer)
        {
            throw new ProblemException(403, ProblemCodes.PlanNotAllowed,
                "Configuration copy needs the standard, professional, enterprise or ultimate plan (or a trial or developer organization); this organization is on the free plan.",
                new Dictionary<string, object?> { ["rule"] = "plan" });
        }
    }

    /// <summary>Receiving a copy needs every integration disabled (sending does not).</summary>
    public static void RequireNoIntegrations(OrganizationState org)
    {
        if (IntegrationsWarning(org) is { } warning)
        {
            throw new ProblemException(409, ProblemCodes.IntegrationsEnabled, warning,
                new Dictionary<string, object?> { ["integrations"] = org.Integrations });
        }
    }

    public static string? IntegrationsWarning(OrganizationState org) => org.Integrations.Count == 0
        ? null
        : $"Receiving a configuration copy needs every integration disabled; {string.Join(", ", org.Integrations)} "
          + $"{(org.Integrations.Count == 1 ? "is" : "are")} enabled. Disable them (PATCH /api/orgs/{org.Id} with \"integrations\": []) and approve again.";

    public static ProblemException UnknownKey() =>
        KeyInvalid("unknown", "This copy key is unknown; ask the target organization's administrator for its current key.");

    public static ProblemException KeyInvalid(string reason, string detail) =>
        new(400, ProblemCodes.KeyInvalid, detail, new Dictionary<string, object?> { ["reason"] = reason });
}
