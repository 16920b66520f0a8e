using System.Diagnostics;
using System.Globalization;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrmActors.Bench;

/// <summary>
/// Where one sequential organization write goes on PostgreSQL: the grain call end to end, beside the same
/// database work replayed directly with Npgsql from this process — the Orleans state write
/// (<c>writetostorage</c> with the grain's real payload), the outbox transaction (the audit row and the
/// organizations upsert, the product's SQL), the token lookup every HTTP request makes, and a bare one-row
/// UPDATE commit (what pgbench measures). Average milliseconds per operation, one at a time.
/// </summary>
public static class WritePhases
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var directory = Directory.CreateTempSubdirectory("crm-bench-").FullName;
        var database = await Postgres.CreateDatabaseAsync();
        await using var app = ProductHost.Build(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres", ["ConnectionStrings:Crm"] = database, ["Storage:DataDirectory"] = directory,
        });
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var orgId = Ids.New();
        var token = Ids.NewSecret();
        var org = grains.Grain<IOrganizationGrain>(orgId);
        var admin = await org.CreateAsync(new CreateOrganization("Bench", Plans.Ultimate, false, false, false, "Asia/Tokyo", "bench.example", "a@bench.example", "A"), Ids.New(), Ids.Sha256(token));
        var n = 0;
        // The replayed state write goes to a row of its own beside the grain's (same table, same payload), so the grain's ETag stays valid.
        int? version = null;
        var results = new List<(string Step, double Ms)>();
        for (var round = 0; round < 2; round++)
        {
            results.Clear();
            results.Add(("grain call: UpdateAsync (state write + outbox: audit row, organizations row)", await TimeAsync(count, () => org.UpdateAsync(new OrganizationPatch($"Bench {++n}", null, null, null), admin.Id))));
            results.Add(("grain call: GetAsync ([ReadOnly], no database)", await TimeAsync(count, () => org.GetAsync())));

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var row = await ReadStateRowAsync(connection);
            results.Add(("  SQL: Orleans state write (writetostorage, same payload), own commit", await TimeAsync(count, async () =>
            {
                await using var write = new NpgsqlCommand("select * from writetostorage(@h, @n0, @n1, @th, @ts, @ext, @sid, @v, @p)", connection);
                write.Parameters.AddWithValue("h", row.Hash ^ 0x5a5a5a5a);
                write.Parameters.AddWithValue("n0", row.N0);
                write.Parameters.AddWithValue("n1", row.N1);
                write.Parameters.AddWithValue("th", row.TypeHash);
                write.Parameters.AddWithValue("ts", row.Type);
                write.Parameters.AddWithValue("ext", (object?)row.Extension ?? DBNull.Value);
                write.Parameters.AddWithValue("sid", row.Service);
                write.Parameters.AddWithValue("v", NpgsqlTypes.NpgsqlDbType.Integer, (object?)version ?? DBNull.Value);
                write.Parameters.AddWithValue("p", row.Payload);
                version = Convert.ToInt32(await write.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            })));
            results.Add(("  SQL: outbox transaction (BEGIN; INSERT audit_log; upsert organizations; COMMIT)", await TimeAsync(count, async () =>
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var audit = new NpgsqlCommand(
                    "INSERT INTO audit_log (id, org_id, at, user_id, action, target_type, module, record_id, setting, changes) VALUES (@id, @org, @at, @user, 'update', 'setting', NULL, NULL, 'organization', @changes) ON CONFLICT (id) DO NOTHING",
                    connection, transaction))
                {
                    audit.Parameters.AddWithValue("id", Ids.New());
                    audit.Parameters.AddWithValue("org", orgId);
                    audit.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    audit.Parameters.AddWithValue("user", admin.Id);
                    audit.Parameters.AddWithValue("changes", """[{"field":"name","old":"Bench 1","new":"Bench 2"}]""");
                    await audit.ExecuteNonQueryAsync();
                }

                await using (var upsert = new NpgsqlCommand(
                    "INSERT INTO organizations (id, name, modified_at) VALUES (@org, @name, @at) ON CONFLICT (id) DO UPDATE SET name = excluded.name, modified_at = excluded.modified_at",
                    connection, transaction))
                {
                    upsert.Parameters.AddWithValue("org", orgId);
                    upsert.Parameters.AddWithValue("name", $"Bench {++n}");
                    upsert.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    await upsert.ExecuteNonQueryAsync();
                }

                await transaction.CommitAsync();
            })));
            results.Add(("  SQL: token lookup (every HTTP request: SELECT tokens by hash)", await TimeAsync(count, async () =>
            {
                await using var lookup = new NpgsqlCommand("SELECT org_id, user_id FROM tokens WHERE hash = @hash AND revoked_at IS NULL", connection);
                lookup.Parameters.AddWithValue("hash", Ids.Sha256(token));
                await lookup.ExecuteScalarAsync();
            })));
            await new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, value bigint NOT NULL); INSERT INTO bench_counter VALUES (1, 0) ON CONFLICT DO NOTHING", connection).ExecuteNonQueryAsync();
            results.Add(("  SQL: one-row UPDATE, autocommit (pgbench's transaction)", await TimeAsync(count, () =>
                new NpgsqlCommand("UPDATE bench_counter SET value = value + 1 WHERE id = 1", connection).ExecuteNonQueryAsync())));
        }

        Console.WriteLine($"Sequential, one at a time, {count} each, PostgreSQL, state payload {(await ReadStateRowAsync(new NpgsqlConnection(database), open: true)).Payload.Length:N0} bytes (second of two rounds):");
        Console.WriteLine();
        Console.WriteLine("| step | ms each |");
        Console.WriteLine("|---|---|");
        foreach (var (step, ms) in results)
        {
            Console.WriteLine(FormattableString.Invariant($"| {step} | {ms:N2} |"));
        }

        await app.StopAsync();
        Directory.Delete(directory, true);
        await Postgres.DropDatabaseAsync(database);
        return 0;
    }

    private sealed record StateRow(int Hash, long N0, long N1, int TypeHash, string Type, string? Extension, string Service, int Version, byte[] Payload);

    private static async Task<StateRow> ReadStateRowAsync(NpgsqlConnection connection, bool open = false)
    {
        if (open)
        {
            await connection.OpenAsync();
        }

        await using var command = new NpgsqlCommand(
            "SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, version, payloadbinary FROM orleansstorage WHERE graintypestring = 'organization' ORDER BY modifiedon LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var row = new StateRow(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetString(6), reader.GetInt32(7), (byte[])reader[8]);
        if (open)
        {
            await connection.DisposeAsync();
        }

        return row;
    }

    private static async Task<double> TimeAsync(int count, Func<Task> step)
    {
        for (var i = 0; i < Math.Min(50, count); i++)
        {
            await step();
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await step();
        }

        return watch.Elapsed.TotalMilliseconds / count;
    }
}
