using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>Who may migrate and when (SPEC §3); each refusal names the rule.</summary>
public static class MigrationRules
{
    /// <summary>The integrations that must be off while a job runs: they would create the same contacts and accounts again.</summary>
    public static readonly IReadOnlyList<string> ConflictingIntegrations = ["crm", "salesforce"];

    /// <summary>Paid plans, and trial organizations (capped in bytes); never the free plan.</summary>
    public static void RequirePlan(OrganizationState org)
    {
        if (org.Plan == Plans.Free && !org.Trial)
        {
            throw new ProblemException(403, ProblemCodes.PlanNotAllowed,
                "Help-desk migration needs a paid plan (standard, professional, enterprise or ultimate); this organization is on the free plan. Upgrade it, then create the migration.",
                new Dictionary<string, object?> { ["rule"] = "plan" });
        }
    }

    /// <summary>The <see cref="ConflictingIntegrations"/> the organization has enabled.</summary>
    public static List<string> EnabledConflicting(OrganizationState org) =>
        [.. org.Integrations.Where(i => ConflictingIntegrations.Contains(i, StringComparer.OrdinalIgnoreCase))];

    public static void RequireNoIntegrations(OrganizationState org)
    {
        var enabled = EnabledConflicting(org);
        if (enabled.Count > 0)
        {
            throw new ProblemException(409, ProblemCodes.IntegrationsEnabled,
                $"The {string.Join(" and ", enabled)} integration{(enabled.Count == 1 ? " is" : "s are")} enabled; a migration would duplicate contacts and accounts through "
                + $"{(enabled.Count == 1 ? "it" : "them")}. Disable {string.Join(" and ", enabled)} (PATCH /api/orgs/{org.Id} with the integrations left out), then submit again.",
                new Dictionary<string, object?> { ["integrations"] = enabled });
        }
    }

    /// <summary>The job's mapping as a pass uses it.</summary>
    public static MigrationMapping Mapping(MigrationJobState job) => Mapping(job.SourceSystem, job.FieldMap, job.ValueMap);

    public static MigrationMapping Mapping(
        string sourceSystem,
        ImmutableDictionary<string, ImmutableDictionary<string, string>> fieldMap,
        ImmutableDictionary<string, ImmutableDictionary<string, ImmutableDictionary<string, string>>> valueMap) =>
        new(sourceSystem,
            fieldMap.ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, string>)m.Value),
            valueMap.ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>)m.Value.ToDictionary(v => v.Key, v => (IReadOnlyDictionary<string, string>)v.Value)));
}
