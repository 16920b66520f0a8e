using CrmActors.Tests.Support;

namespace CrmActors.Tests.Cluster;

/// <summary>Cluster tests share one three-node cluster and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<SiloCluster>
{
    public const string Name = "cluster";
}
