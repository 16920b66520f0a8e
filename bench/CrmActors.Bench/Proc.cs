using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace CrmActors.Bench;

/// <summary>
/// What /proc says about a process: its peak resident set, and the CPU time (user + system) of a server's
/// process tree — its root and live children, plus the children it already reaped (a POP3 session process, a
/// PostgreSQL backend). Wall time on two shared cores depends on the load; CPU seconds say what each side itself cost.
/// </summary>
public static class Proc
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on.

    /// <summary>Server roots from CRM_BENCH_SERVER_PIDS ("postgres=123 dovecot=456"), as scripts/bench.sh sets it.</summary>
    public static IReadOnlyDictionary<string, int> Servers() =>
        (Environment.GetEnvironmentVariable("CRM_BENCH_SERVER_PIDS") ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));

    /// <summary>Every server's CPU seconds so far, by name.</summary>
    public static Dictionary<string, double> OfServers() => Servers().ToDictionary(s => s.Key, s => OfTree(s.Value));

    public static double OfTree(int root)
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Fields(pid) is { } f && (pid == root || f.Ppid == root))
            {
                ticks += f.Utime + f.Stime + (pid == root ? f.Cutime + f.Cstime : 0);
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>VmHWM: the most resident memory the process (this one by default) has had, in MB.</summary>
    public static double PeakRssMb(string process = "self") => StatusMb(process, "VmHWM:");

    /// <summary>A memory field of /proc/{process}/status (VmHWM:, VmRSS:), in MB.</summary>
    public static double StatusMb(string process, string field) =>
        File.ReadLines($"/proc/{process}/status").Where(l => l.StartsWith(field, StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0).Single();

    /// <summary>CPU seconds each server spent between two readings of <see cref="OfServers"/>.</summary>
    public static Dictionary<string, double> Since(Dictionary<string, double> before) =>
        OfServers().ToDictionary(s => s.Key, s => Math.Round(s.Value - before.GetValueOrDefault(s.Key), 2));

    private static (int Ppid, long Utime, long Stime, long Cutime, long Cstime)? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15) cutime(16) cstime(17).
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[11], CultureInfo.InvariantCulture), long.Parse(f[12], CultureInfo.InvariantCulture),
                long.Parse(f[13], CultureInfo.InvariantCulture), long.Parse(f[14], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null; // The process ended meanwhile.
        }
    }

    /// <summary>
    /// Waits until this process's JIT is done tiering up what ran so far (no more than a few methods compiled in
    /// 2 s), so what is timed next runs as in a process that has served for a while. Gives up after 2 minutes.
    /// </summary>
    public static async Task JitSettledAsync()
    {
        var deadline = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var now = JitInfo.GetCompiledMethodCount();
            if (now - compiled <= 5)
            {
                return;
            }

            compiled = now;
        }
    }
}
