namespace CrmActors.Runtime.Grains;

/// <summary>Marker for grain interfaces addressed by a string key, as in Orleans.</summary>
public interface IGrainWithStringKey;

/// <summary>
/// Marks a grain method that only reads state: it runs without the grain's lock against the last
/// committed state, concurrently with other calls, and anything it changes is discarded.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Gives a grain class a stable type name for storage; defaults to the class name.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
