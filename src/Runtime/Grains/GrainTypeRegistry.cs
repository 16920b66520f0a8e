using System.Reflection;

namespace CrmActors.Runtime.Grains;

/// <summary>Which class implements each grain interface, and the stable type name each class is stored under.</summary>
public sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, Type> _implementations = [];
    private readonly Dictionary<string, Type> _byName = [];

    public void Add(Type implementation)
    {
        if (!typeof(Grain).IsAssignableFrom(implementation) || implementation.IsAbstract)
        {
            throw new ArgumentException($"{implementation} is not a concrete grain class.", nameof(implementation));
        }

        foreach (var contract in implementation.GetInterfaces().Where(i => i != typeof(IGrainWithStringKey) && typeof(IGrainWithStringKey).IsAssignableFrom(i)))
        {
            _implementations[contract] = implementation;
        }

        _byName[NameOf(implementation)] = implementation;
    }

    public void AddAssembly(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t)))
        {
            Add(type);
        }
    }

    public Type ImplementationOf(Type contract) =>
        _implementations.TryGetValue(contract, out var implementation)
            ? implementation
            : throw new InvalidOperationException($"No grain class implements {contract.Name}; register its assembly with AddGrains.");

    public Type ByName(string typeName) =>
        _byName.TryGetValue(typeName, out var implementation)
            ? implementation
            : throw new InvalidOperationException($"No grain class is stored as '{typeName}'.");

    public IEnumerable<string> Names => _byName.Keys;

    public static string NameOf(Type implementation) =>
        implementation.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? implementation.Name;
}
