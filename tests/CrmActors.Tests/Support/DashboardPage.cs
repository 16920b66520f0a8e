using Microsoft.Playwright;

namespace CrmActors.Tests.Support;

/// <summary>
/// The product dashboard of one silo in a real headless Chromium, signed in with the operator key or an
/// organization administrator's token; collects the page's console errors and uncaught exceptions.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private DashboardPage(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        page.PageError += (_, error) => Errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add(message.Text);
            }
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static Task<DashboardPage> AsOperatorAsync(Uri silo, string operatorKey) => OpenAsync(silo, operatorKey, adminToken: false);

    public static Task<DashboardPage> AsAdminAsync(Uri silo, string token) => OpenAsync(silo, token, adminToken: true);

    /// <summary>The row of table <paramref name="table"/> that shows <paramref name="text"/>, once it does.</summary>
    public async Task<ILocator> RowAsync(string table, string text)
    {
        var row = Page.Locator($"#{table} tbody tr", new() { HasText = text });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        return row;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    private static async Task<DashboardPage> OpenAsync(Uri silo, string secret, bool adminToken)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(Browsers.Chromium());
        var dashboard = new DashboardPage(playwright, browser, await browser.NewPageAsync());
        await dashboard.Page.GotoAsync(new Uri(silo, "/dashboard/").ToString());
        if (adminToken)
        {
            await dashboard.Page.CheckAsync("#sign-in input[value=token]");
        }

        await dashboard.Page.FillAsync("#secret", secret);
        await dashboard.Page.ClickAsync("#sign-in button[type=submit]");
        await Assertions.Expect(dashboard.Page.Locator("#board")).ToBeVisibleAsync();
        return dashboard;
    }
}
