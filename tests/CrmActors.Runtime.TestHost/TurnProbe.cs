using System.Collections.Concurrent;
using System.Diagnostics;

namespace CrmActors.Runtime.TestHost;

/// <summary>Records when each turn ran (one process-wide clock), so tests can check that no two overlapped.</summary>
public sealed class TurnProbe
{
    public static readonly ConcurrentBag<(string Key, long Start, long End)> Turns = [];

    public long Enter(string key) => Stopwatch.GetTimestamp();

    public void Leave(string key, long started) => Turns.Add((key, started, Stopwatch.GetTimestamp()));
}
