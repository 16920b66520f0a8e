using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmActors.Tests.Support;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T value;
        while (!condition(value = await probe()))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(100);
        }

        return value;
    }

    /// <summary>
    /// Polls a JSON resource until <paramref name="condition"/> holds. A 503 (a silo is being replaced)
    /// is "not yet": clients are told to retry it; any other failure ends the wait at once.
    /// </summary>
    public static async Task<JsonElement> JsonAsync(HttpClient client, string url, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var unavailable = 0;
        var value = await GetAsync(async () =>
        {
            using var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(response.Headers.RetryAfter is not null, "a 503 says when to retry");
                unavailable++;
                return (JsonElement?)null;
            }

            Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }, json => json is { } j && condition(j), timeout, what);
        return value!.Value;
    }
}
