using CrmActors.Bench;

// Usage: CrmActors.Bench <grains|bulk|backup> [options]; PostgreSQL comes from CRM_TEST_POSTGRES (scripts/bench.sh sets it).
return args.FirstOrDefault() switch
{
    "grains" => await GrainBenchmark.RunAsync(args[1..]),
    "bulk" => await BulkInsertBenchmark.RunAsync(args[1..]),
    "backup" => await BackupBenchmark.RunAsync(args[1..]),
    "backup-phase" => await BackupBenchmarkHost.RunPhaseAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: CrmActors.Bench grains | bulk [rows] | backup [records] [attachments]");
    return 2;
}
