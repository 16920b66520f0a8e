using System.Collections.Concurrent;
using CrmActors.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmActors.Tests.MailAddOn;

/// <summary>
/// The host for mail add-on API tests: POP3 on loopback allowed, messages over 5 MB kept as headers only
/// (the seeded 10 MB attachment), short timeouts, and every log line at Information or above captured
/// so a test can show the password is in none of them.
/// </summary>
public abstract class MailApplication : CrmApplication
{
    public const long MaxMessageBytes = 5 * 1024 * 1024;

    protected MailApplication(string provider)
        : base(provider)
    {
        Settings["Outbound:AllowPrivateNetworks"] = "true";
        Settings["MailAddOn:MaxMessageBytes"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["MailAddOn:ConnectTimeout"] = "00:00:05";
        Settings["MailAddOn:CommandTimeout"] = "00:00:20";
        Settings["MailAddOn:BatchSize"] = "3";
        Settings["Logging:LogLevel:Default"] = "Information";
        Settings["Logging:LogLevel:Orleans"] = "Information";
        Settings["Logging:Console:LogLevel:Default"] = "Warning";
    }

    public CapturedLogs Logs { get; } = new();

    /// <summary>The provider's name, which is also the Dovecot user whose mailbox this host's tests may add messages to.</summary>
    public abstract string MailUser { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs));
    }
}

public sealed class SqliteMailApplication() : MailApplication("sqlite")
{
    public override string MailUser => "mail-sqlite";
}

public sealed class PostgresMailApplication() : MailApplication("postgres")
{
    public override string MailUser => "mail-postgres";
}

/// <summary>Every log line of the host, formatted with its exception, as an operator's log sink would see it.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
