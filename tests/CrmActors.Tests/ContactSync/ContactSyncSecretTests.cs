using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using CrmActors.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmActors.Tests.ContactSync;

/// <summary>A host that keeps every log line its silo writes, at Debug and above.</summary>
public abstract class LoggedSyncApplication : CrmApplication
{
    protected LoggedSyncApplication(string provider)
        : base(provider)
    {
        Settings["Outbound:AllowPrivateNetworks"] = "true";
        Settings["Logging:LogLevel:Default"] = "Debug";
        Settings["Logging:LogLevel:Orleans"] = "Debug";
    }

    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(new CapturingProvider(Lines)));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {state} {exception}");
    }
}

public sealed class SqliteLoggedSyncApplication() : LoggedSyncApplication("sqlite");

public sealed class PostgresLoggedSyncApplication() : LoggedSyncApplication("postgres");

/// <summary>The CardDAV password is nowhere in the database, the blob folder or the logs, after pairs were created, run and refused.</summary>
public abstract class ContactSyncSecretTests(LoggedSyncApplication app) : SyncBookTests
{
    [RadicaleFact]
    public async Task ThePasswordIsNowhereInTheDatabaseTheBlobFolderOrTheLogs()
    {
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Contacts", new { Last_Name = "Secret", Email = "secret@example.test" });
        await Book.AddAsync(SyncBook.Card("secret-card", "Card", "Holder", "holder@example.test"));
        const string wrong = "Wr0ng-Passw0rd-Secret-4711";
        await org.Admin.PostAsync(org.Url("sync-pairs"), System.Net.Http.Json.JsonContent.Create(new { module = "Contacts", direction = "crm_to_remote", remote = Book.Remote(password: wrong) }));
        var pair = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        await org.RunPairAsync(pair.Id());
        var status = await org.GetJsonAsync($"sync-pairs/{pair.Id()}");
        var dashboard = await org.Admin.GetStringAsync("/api/dashboard/sync-pairs");
        Assert.Contains(pair.Id(), dashboard, StringComparison.Ordinal);

        string[] secrets =
        [
            RadicaleServer.Password, wrong,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RadicaleServer.User}:{RadicaleServer.Password}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RadicaleServer.User}:{wrong}")),
        ];
        var database = await DatabaseTextAsync();
        Assert.Contains("contact_sync_links", database, StringComparison.Ordinal);
        Assert.Contains(pair.Id(), database, StringComparison.Ordinal);
        var files = Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories).Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))).ToList();
        Assert.NotEmpty(files);
        var logs = string.Join("\n", app.Lines);
        Assert.Contains("Debug", logs, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, database, StringComparison.Ordinal);
            Assert.All(files, f => Assert.DoesNotContain(secret, f, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, status.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, dashboard, StringComparison.Ordinal);
        }
    }

    /// <summary>Every row of every table as text, with the table names.</summary>
    private async Task<string> DatabaseTextAsync()
    {
        await using var connection = await app.OpenDatabaseAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = connection is Npgsql.NpgsqlConnection
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder(string.Join(" ", tables));
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(' ').Append(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reader.GetValue(i).ToString());
                }
            }
        }

        return text.ToString();
    }
}

public sealed class SqliteContactSyncSecretTests(SqliteLoggedSyncApplication app) : ContactSyncSecretTests(app), IClassFixture<SqliteLoggedSyncApplication>;

public sealed class PostgresContactSyncSecretTests(PostgresLoggedSyncApplication app) : ContactSyncSecretTests(app), IClassFixture<PostgresLoggedSyncApplication>;
