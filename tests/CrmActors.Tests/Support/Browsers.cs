using Microsoft.Playwright;

namespace CrmActors.Tests.Support;

public static class Browsers
{
    /// <summary>Debian's Chromium (installed by scripts/test.sh), headless, with no background networking.</summary>
    public static BrowserTypeLaunchOptions Chromium() => new()
    {
        ExecutablePath = Environment.GetEnvironmentVariable("CRM_TEST_CHROMIUM") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    };
}
