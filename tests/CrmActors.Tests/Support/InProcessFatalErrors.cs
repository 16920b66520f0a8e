using System.Collections.Concurrent;
using Orleans.Runtime;

namespace CrmActors.Tests.Support;

/// <summary>
/// Orleans ends the process when a silo learns it was declared dead, which is right for a silo process
/// and wrong for the test process hosting many in-process silos: a host being disposed under load can
/// see its own entry marked dead. Here the error is kept, and the silo's host stops on its own.
/// </summary>
public sealed class InProcessFatalErrors : IFatalErrorHandler
{
    public static ConcurrentQueue<string> Seen { get; } = new();

    public bool IsUnexpected(Exception exception) => exception is not ThreadInterruptedException;

    public void OnFatalException(object? sender, string? context, Exception? exception) =>
        Seen.Enqueue($"{sender}: {context} {exception?.Message}");
}
