namespace CrmActors.Bench;

// Usage: CrmActors.Bench <grains|bulk|backup> [options]; PostgreSQL comes from CRM_TEST_POSTGRES (scripts/bench.sh sets it).
// An explicit Main (not top-level statements): the referenced Silo assembly already has a global Program type.
public static class BenchProgram
{
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "grains" => await GrainBenchmark.RunAsync(args[1..]),
        "bulk" => await BulkInsertBenchmark.RunAsync(args[1..]),
        "backup" => await BackupBenchmark.RunAsync(args[1..]),
        "backup-phase" => await BackupBenchmarkHost.RunPhaseAsync(args[1..]),
        "write-phases" => await WritePhases.RunAsync(args[1..]),
        "mail" => await MailBackupBenchmark.RunAsync(args[1..]),
        "mail-phase" => await MailBackupBenchmark.RunPhaseAsync(args[1..]),
        "contact-sync" => await ContactSyncBenchmark.RunAsync(args[1..]),
        "migration" => await MigrationBenchmark.RunAsync(args[1..]),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: CrmActors.Bench grains [seconds] [providers] | write-phases [count] | bulk [rows] | backup [records] [attachments] | mail | contact-sync [contacts] | migration [tickets] [threads per ticket]");
        return 2;
    }
}
