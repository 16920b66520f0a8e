using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.Outbound;

namespace CrmActors.Tests.ContactSync;

/// <summary>
/// The Radicale that scripts/radicale.sh started (CRM_TEST_RADICALE_URL, _USER, _PASSWORD). Outside CI
/// the tests skip when it is not set; with CI=true they run and fail, so a CI that lost the server
/// cannot pass by skipping.
/// </summary>
public static class RadicaleServer
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsConfigured => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CRM_TEST_RADICALE_URL"));

    public static Uri Url => IsConfigured
        ? new Uri(Environment.GetEnvironmentVariable("CRM_TEST_RADICALE_URL")!)
        : throw new InvalidOperationException("CRM_TEST_RADICALE_URL is not set although CI=true: scripts/test.sh must `source scripts/radicale.sh` so the CardDAV tests run against a real Radicale.");

    public static string User => Required("CRM_TEST_RADICALE_USER");

    public static string Password => Required("CRM_TEST_RADICALE_PASSWORD");

    public static Uri Home => new(Url, $"/{User}/");

    public static CardDavClientOptions FastOptions { get; } = new() { RequestTimeout = TimeSpan.FromSeconds(20), RetryBaseDelay = TimeSpan.FromMilliseconds(100) };

    /// <summary>A client over the outbound-checked handler, loopback allowed (Outbound__AllowPrivateNetworks=true).</summary>
    public static CardDavClient Client(string? password = null) =>
        CardDavClient.Create(new OutboundTargets(allowPrivateNetworks: true), CardDavCredentials.Basic(User, password ?? Password), FastOptions);

    /// <summary>A client whose requests pass <paramref name="before"/> (which may answer instead of the server, given the request body) and whose answers pass <paramref name="after"/>.</summary>
    public static CardDavClient Client(Func<HttpRequestMessage, string, HttpResponseMessage?>? before, Action<HttpRequestMessage, HttpResponseMessage>? after = null)
    {
        var handler = new FilterHandler(before, after) { InnerHandler = OutboundHttpHandler.Create(new OutboundTargets(true), TimeSpan.FromSeconds(5)) };
        return new CardDavClient(new HttpClient(handler), CardDavCredentials.Basic(User, Password), FastOptions);
    }

    public const string BookName = "Contact sync test";

    /// <summary>A new, empty address book with a unique name under the test user's home.</summary>
    public static Task<Uri> NewAddressBookAsync(CardDavClient client) =>
        client.CreateAddressBookAsync(Home, $"book-{Guid.NewGuid():N}", BookName, "Created by the contact-sync tests");

    private static string Required(string name)
    {
        _ = Url;
        return Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set; source scripts/radicale.sh.");
    }

    /// <summary>Answers a request itself when <c>filter</c> returns a response, else passes it on; stands in for servers that lack a feature.</summary>
    private sealed class FilterHandler(Func<HttpRequestMessage, string, HttpResponseMessage?>? before, Action<HttpRequestMessage, HttpResponseMessage>? after) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (before?.Invoke(request, body) is { } answer)
            {
                return answer;
            }

            var response = await base.SendAsync(request, cancellationToken);
            after?.Invoke(request, response);
            return response;
        }
    }
}

/// <summary>A test against the real Radicale; skipped with the reason only outside CI when no server was started.</summary>
public sealed class RadicaleFactAttribute : FactAttribute
{
    public RadicaleFactAttribute()
    {
        if (!RadicaleServer.IsConfigured && !RadicaleServer.InCi)
        {
            Skip = "No Radicale: CRM_TEST_RADICALE_URL is not set. Run `source scripts/radicale.sh` (scripts/test.sh does) to test the CardDAV client against a real server.";
        }
    }
}

/// <summary>A theory against the real Radicale; skipped like <see cref="RadicaleFactAttribute"/>.</summary>
public sealed class RadicaleTheoryAttribute : TheoryAttribute
{
    public RadicaleTheoryAttribute()
    {
        if (!RadicaleServer.IsConfigured && !RadicaleServer.InCi)
        {
            Skip = "No Radicale: CRM_TEST_RADICALE_URL is not set. Run `source scripts/radicale.sh`.";
        }
    }
}
