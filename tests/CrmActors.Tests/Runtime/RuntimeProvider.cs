using CrmActors.Tests.Support;

namespace CrmActors.Tests.Runtime;

/// <summary>A fresh store of one provider: settings for hosts that share it, and its cleanup.</summary>
public sealed class RuntimeProvider : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private TestPostgres? _postgres;

    private RuntimeProvider()
    {
    }

    public Dictionary<string, string?> Settings { get; } = [];

    public string DataDirectory => _directory.Path;

    public static async Task<RuntimeProvider> CreateAsync(string provider)
    {
        var store = new RuntimeProvider();
        store.Settings["Storage:Provider"] = provider;
        store.Settings["Storage:DataDirectory"] = store._directory.Path;
        store.Settings["Runtime:ReminderPollInterval"] = "00:00:00.200";
        store.Settings["Runtime:JobPollInterval"] = "00:00:00.200";
        if (provider == "postgres")
        {
            store._postgres = await TestPostgres.CreateDatabaseAsync();
            store.Settings["ConnectionStrings:Crm"] = store._postgres.ConnectionString;
        }

        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _directory.Dispose();
    }
}
