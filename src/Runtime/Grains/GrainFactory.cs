using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace CrmActors.Runtime.Grains;

/// <summary>Hands out grain references: interface proxies whose every call becomes a grain turn.</summary>
public sealed class GrainFactory(GrainRuntime runtime) : IGrainFactory
{
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var implementation = runtime.Types.ImplementationOf(typeof(TGrain));
        var proxy = DispatchProxy.Create<TGrain, GrainReference>();
        ((GrainReference)(object)proxy).Bind(runtime, new GrainId(GrainTypeRegistry.NameOf(implementation), key), implementation);
        return proxy;
    }
}

/// <summary>The proxy behind a grain interface.</summary>
public class GrainReference : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<GrainReference, object?[]?, object>> Dispatchers = new();
    private static readonly MethodInfo InvokeTypedMethod = typeof(GrainReference).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private GrainRuntime _runtime = null!;
    private Type _implementation = null!;

    public GrainId GrainId { get; private set; }

    internal void Bind(GrainRuntime runtime, GrainId grainId, Type implementation)
    {
        _runtime = runtime;
        GrainId = grainId;
        _implementation = implementation;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        Dispatchers.GetOrAdd(targetMethod!, BuildDispatcher)(this, args);

    private static Func<GrainReference, object?[]?, object> BuildDispatcher(MethodInfo method)
    {
        var readOnly = method.GetCustomAttribute<ReadOnlyAttribute>() is not null;
        if (method.ReturnType == typeof(Task))
        {
            return (reference, args) => reference.InvokeVoid(method, args, readOnly);
        }

        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var typed = InvokeTypedMethod.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]);
            return (reference, args) => typed.Invoke(reference, [method, args, readOnly])!;
        }

        throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>.");
    }

    private async Task InvokeVoid(MethodInfo method, object?[]? args, bool readOnly) =>
        await _runtime.InvokeAsync<object?>(GrainId, _implementation, async grain =>
        {
            await (Task)Call(method, grain, args);
            return null;
        }, readOnly);

    private Task<T> InvokeTyped<T>(MethodInfo method, object?[]? args, bool readOnly) =>
        _runtime.InvokeAsync(GrainId, _implementation, grain => (Task<T>)Call(method, grain, args), readOnly);

    private static object Call(MethodInfo method, Grain grain, object?[]? args)
    {
        try
        {
            return method.Invoke(grain, args)!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }
}
