using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Tests.GrainTests;

/// <summary>Organizations made directly through the organization grain, as the API would.</summary>
public static class Orgs
{
    public static async Task<(string OrgId, UserAccount Admin, string TokenHash)> CreateAsync(IGrainFactory grains, string plan = "ultimate", string timeZone = "Asia/Tokyo")
    {
        var orgId = Ids.New();
        var tokenHash = Ids.Sha256(Ids.NewSecret());
        var admin = await grains.Grain<IOrganizationGrain>(orgId).CreateAsync(
            new CreateOrganization("Grain Org", plan, false, false, false, timeZone, "grain.example", "admin@grain.example", "Admin"), Ids.New(), tokenHash);
        return (orgId, admin, tokenHash);
    }
}
