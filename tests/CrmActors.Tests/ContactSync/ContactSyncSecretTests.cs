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
        string database;
        await using (var connection = await app.OpenDatabaseAsync())
        {
            database = await SecretScan.DatabaseTextAsync(connection);
        }

        Assert.Contains("contact_sync_links", database, StringComparison.Ordinal);
        Assert.Contains(pair.Id(), database, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories));
        var logs = string.Join("\n", app.Lines);
        Assert.Contains("Debug", logs, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, database, StringComparison.Ordinal);
            Assert.Empty(SecretScan.Files(app.DataDirectory, secret));
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, status.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, dashboard, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteContactSyncSecretTests(SqliteLoggedSyncApplication app) : ContactSyncSecretTests(app), IClassFixture<SqliteLoggedSyncApplication>;

public sealed class PostgresContactSyncSecretTests(PostgresLoggedSyncApplication app) : ContactSyncSecretTests(app), IClassFixture<PostgresLoggedSyncApplication>;
