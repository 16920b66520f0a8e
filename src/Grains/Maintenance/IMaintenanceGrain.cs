
namespace CrmActors.Grains.Maintenance;

/// <summary>The cluster-wide housekeeping schedule (key <see cref="Key"/>): the daily 60-day purge.</summary>
public interface IMaintenanceGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    /// <summary>Registers the daily purge reminder if it is not registered yet.</summary>
    Task EnsureScheduledAsync();
}
