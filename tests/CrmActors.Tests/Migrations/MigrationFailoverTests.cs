using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Playwright;
using Npgsql;

namespace CrmActors.Tests.Migrations;

/// <summary>
/// A silo of a three-silo PostgreSQL cluster is killed (SIGKILL) while it runs a migration's first
/// pass, after some batches committed: another silo resumes the pass after the last committed batch,
/// and every ticket is migrated exactly once, reported exactly once, none lost.
/// </summary>
public sealed class MigrationFailoverTests : IAsyncLifetime
{
    private const int Tickets = 30_000;
    private const string OperatorKey = "migration-failover-key";

    private readonly SiloDeployment _deployment = new("postgres", OperatorKey);

    public async Task InitializeAsync() => await _deployment.PrepareAsync();

    public async Task DisposeAsync() => await _deployment.DisposeAsync();

    [Fact]
    public async Task ASiloKilledDuringAPassLeavesItToAnotherWithNoTicketDuplicatedOrLost()
    {
        var batch = new Dictionary<string, string> { ["Migration:BatchSize"] = "250" };
        for (var i = 0; i < 3; i++)
        {
            await _deployment.StartAsync(batch);
        }

        var (orgId, token) = await _deployment.CreateOrgAsync(_deployment.Silos[0], "Migration failover", domain: "failover.example");
        using var admin = _deployment.Silos[0].Client(token);
        var created = await admin.PostAsJsonAsync($"/api/orgs/{orgId}/migrations", new { sourceSystem = "generic", modules = new[] { "contacts", "tickets" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await UploadAsync(admin, orgId, job, "contacts.csv", "contacts", "Source_Id,First_Name,Last_Name,Email\nC1,Jo,Doe,jo@customer.test\n");
        var csv = new StringBuilder("Source_Id,Subject,Description,Status,Contact_Name,Agent_Email\n");
        for (var i = 0; i < Tickets; i++)
        {
            csv.Append(FormattableString.Invariant($"T{i},Ticket {i},\"Printer {i}, on fire\",Open,C1,agent{i % 7}@failover.example\n"));
        }

        await UploadAsync(admin, orgId, job, "tickets.csv", "tickets", csv.ToString());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/orgs/{orgId}/migrations/{job}/submit", null)).StatusCode);

        // Caught after a few batches of tickets committed, well before the end.
        await Eventually.GetAsync(() => RowsDoneAsync(job), done => done > 2_000, TimeSpan.FromSeconds(120), "the pass to commit some batches");
        var running = await Eventually.GetAsync(RunningAsync, r => r is not null, TimeSpan.FromSeconds(30), "the pass's run row");
        var victim = _deployment.Silos.Single(s => s.Name == running!.Silo);
        victim.Kill();
        var committedBeforeKill = await RowsDoneAsync(job);
        Assert.True(committedBeforeKill < Tickets, $"the pass had already finished ({committedBeforeKill} rows) when its silo was killed");

        var survivor = _deployment.Silos.First(s => s != victim);
        using var admin2 = survivor.Client(token);
        var done = await Eventually.JsonAsync(admin2, $"/api/orgs/{orgId}/migrations/{job}",
            j => j.GetProperty("status").GetString() is "first_pass_done" or "failed", TimeSpan.FromSeconds(180), "another silo to finish the pass");
        Assert.Equal("first_pass_done", done.GetProperty("status").GetString());
        var counts = Assert.Single(done.GetProperty("passes").EnumerateArray()).GetProperty("counts").GetProperty("tickets");
        Assert.Equal((Tickets, 0L, 0L), (counts.GetProperty("migrated").GetInt64(), counts.GetProperty("failed").GetInt64(), counts.GetProperty("skipped").GetInt64()));

        await using var connection = new NpgsqlConnection(_deployment.ConnectionString);
        await connection.OpenAsync();
        var records = await connection.QuerySingleAsync<(long Rows, long Subjects)>(
            "SELECT COUNT(*), COUNT(DISTINCT data) FROM records WHERE org_id = @orgId AND module = 'Tickets'", new { orgId });
        Assert.Equal((Tickets, Tickets), ((int)records.Rows, (int)records.Subjects));
        Assert.Equal(Tickets, await connection.QuerySingleAsync<long>(
            "SELECT COUNT(DISTINCT source_id) FROM migration_ledger WHERE job_id = @job AND module = 'tickets'", new { job }));
        // One report line per ticket: a migrated row's line is its ledger entry, any other's a report row.
        Assert.Equal((Tickets, 0L), await connection.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT COUNT(*) FROM migration_ledger WHERE job_id = @job AND module = 'tickets' AND part IS NOT NULL), "
            + "(SELECT COUNT(*) FROM migration_report WHERE job_id = @job AND module = 'tickets')", new { job }));
        var run = await RunRows.OfAsync(connection, "migration.pass", orgId);
        Assert.True(run is { Status: "completed", Attempts: >= 2 } && run.Silo != victim.Name, $"{run}");

        // The admin's dashboard, served by the survivor, shows the job with its first pass done.
        await using var dashboard = await DashboardPage.AsAdminAsync(survivor.Address, token);
        var row = await dashboard.RowAsync("migrations", job);
        await Assertions.Expect(row.Locator("td.first_pass_done")).ToHaveCountAsync(1);
        Assert.Empty(dashboard.Errors);
    }

    private static async Task UploadAsync(HttpClient admin, string orgId, string job, string name, string module, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{orgId}/migrations/{job}/files/{name}") { Content = new StringContent(text, Encoding.UTF8, "text/csv") };
        request.Headers.Add("X-Module", module);
        var response = await admin.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<long> RowsDoneAsync(string job)
    {
        await using var connection = new NpgsqlConnection(_deployment.ConnectionString);
        await connection.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<long?>("SELECT rows_done FROM migration_cursors WHERE job_id = @job AND pass = 1", new { job }) ?? 0;
    }

    private async Task<RunRows.Running?> RunningAsync()
    {
        await using var connection = new NpgsqlConnection(_deployment.ConnectionString);
        await connection.OpenAsync();
        return await RunRows.RunningAsync(connection, "migration.pass");
    }
}
