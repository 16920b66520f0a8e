using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CrmActors.Runtime.Grains;

/// <summary>
/// Grain call counts and latencies, as <see cref="System.Diagnostics.Metrics"/> instruments and as
/// running totals per grain type that each silo publishes with its heartbeat for the dashboard.
/// </summary>
public sealed class GrainMetrics : IDisposable
{
    public const string MeterName = "CrmActors.Grains";

    /// <summary>A grain counts as active when it was called within this window.</summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(1);

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _latency;
    private readonly ConcurrentDictionary<string, GrainTypeTotals> _totals = new();

    public GrainMetrics()
    {
        _calls = _meter.CreateCounter<long>("crmactors.grain.calls", description: "Grain calls by type and outcome");
        _latency = _meter.CreateHistogram<double>("crmactors.grain.call.duration", "ms", "Grain call latency");
    }

    public void Record(GrainId grain, TimeSpan elapsed, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("grain.type", grain.Type);
        _calls.Add(1, tag, new KeyValuePair<string, object?>("failed", failed));
        _latency.Record(elapsed.TotalMilliseconds, tag);
        _totals.GetOrAdd(grain.Type, _ => new GrainTypeTotals()).Add(grain.Key, elapsed, failed);
    }

    /// <summary>Totals since start per grain type, with the number of grains called within <see cref="ActiveWindow"/>.</summary>
    public IReadOnlyList<GrainTypeSnapshot> Snapshot() =>
        _totals.Select(kv => kv.Value.Read(kv.Key)).OrderBy(s => s.GrainType, StringComparer.Ordinal).ToList();

    public void Dispose() => _meter.Dispose();

    private sealed class GrainTypeTotals
    {
        private readonly ConcurrentDictionary<string, long> _lastCalled = new();
        private long _calls;
        private long _errors;
        private long _ticks;

        public void Add(string key, TimeSpan elapsed, bool failed)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _ticks, elapsed.Ticks);
            if (failed)
            {
                Interlocked.Increment(ref _errors);
            }

            _lastCalled[key] = Stopwatch.GetTimestamp();
        }

        public GrainTypeSnapshot Read(string type)
        {
            foreach (var (key, at) in _lastCalled)
            {
                if (Stopwatch.GetElapsedTime(at) > ActiveWindow)
                {
                    _lastCalled.TryRemove(key, out _);
                }
            }

            return new GrainTypeSnapshot(type, Interlocked.Read(ref _calls), Interlocked.Read(ref _errors),
                TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds, _lastCalled.Count);
        }
    }
}

/// <summary>One grain type's counters on one silo.</summary>
public sealed record GrainTypeSnapshot(string GrainType, long Calls, long Errors, double TotalMilliseconds, int Active);
