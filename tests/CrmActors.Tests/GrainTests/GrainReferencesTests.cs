using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace CrmActors.Tests.GrainTests;

/// <summary><see cref="GrainReferences.Grain{TGrain}"/>: the same references as Orleans's own, each interface resolved on its own.</summary>
[Collection(GrainCollection.Name)]
public sealed class GrainReferencesTests(GrainCluster silo)
{
    [Fact]
    public async Task ReferencesEqualOrleansOwnForEveryInterfaceAndKeyAndReachTheSameActivation()
    {
        foreach (var grains in new[] { silo.Grains, silo.Services.GetRequiredService<IGrainFactory>() })
        {
            // Twice each: the first resolves the interface's types, the next ones reuse them.
            for (var i = 0; i < 2; i++)
            {
                var key = Ids.New();
                AssertSame(grains.GetGrain<IOrganizationGrain>(key), grains.Grain<IOrganizationGrain>(key));
                AssertSame(grains.GetGrain<ITokenGrain>(key), grains.Grain<ITokenGrain>(key));
                AssertSame(grains.GetGrain<IRunGrain>(key), grains.Grain<IRunGrain>(key));
            }
        }

        var (orgId, admin, tokenHash) = await Orgs.CreateAsync(silo.Grains);
        Assert.Equal(orgId, (await silo.Grains.GetGrain<IOrganizationGrain>(orgId).GetAsync()).Id);
        Assert.Equal(admin.Id, (await silo.Grains.Grain<ITokenGrain>(tokenHash).GetOwnerAsync())?.UserId);
    }

    private static void AssertSame<TGrain>(TGrain expected, TGrain actual) where TGrain : IAddressable
    {
        Assert.Equal(expected.GetGrainId(), actual.GetGrainId());
        Assert.Equal(((GrainReference)(object)expected).InterfaceType, ((GrainReference)(object)actual).InterfaceType);
        Assert.Equal((GrainReference)(object)expected, (GrainReference)(object)actual);
        Assert.IsAssignableFrom<TGrain>(actual);
    }
}
