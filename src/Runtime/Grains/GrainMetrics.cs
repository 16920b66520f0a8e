using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CrmActors.Runtime.Grains;

/// <summary>
/// Grain call counts and latencies, as <see cref="System.Diagnostics.Metrics"/> instruments and as
/// running totals per grain type that the silo publishes for the dashboard.
/// </summary>
public sealed class GrainMetrics : IDisposable
{
    public const string MeterName = "CrmActors.Grains";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _latency;
    private readonly ConcurrentDictionary<string, GrainTypeTotals> _totals = new();

    public GrainMetrics()
    {
        _calls = _meter.CreateCounter<long>("crmactors.grain.calls", description: "Grain calls by type and outcome");
        _latency = _meter.CreateHistogram<double>("crmactors.grain.call.duration", "ms", "Grain call latency");
    }

    public void Record(string grainType, TimeSpan elapsed, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("grain.type", grainType);
        _calls.Add(1, tag, new KeyValuePair<string, object?>("failed", failed));
        _latency.Record(elapsed.TotalMilliseconds, tag);
        _totals.GetOrAdd(grainType, _ => new GrainTypeTotals()).Add(elapsed, failed);
    }

    /// <summary>A copy of the totals since start, per grain type.</summary>
    public IReadOnlyDictionary<string, (long Calls, long Errors, double TotalMilliseconds)> Snapshot() =>
        _totals.ToDictionary(kv => kv.Key, kv => kv.Value.Read());

    public void Dispose() => _meter.Dispose();

    private sealed class GrainTypeTotals
    {
        private long _calls;
        private long _errors;
        private long _ticks;

        public void Add(TimeSpan elapsed, bool failed)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _ticks, elapsed.Ticks);
            if (failed)
            {
                Interlocked.Increment(ref _errors);
            }
        }

        public (long, long, double) Read() =>
            (Interlocked.Read(ref _calls), Interlocked.Read(ref _errors), TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds);
    }
}
