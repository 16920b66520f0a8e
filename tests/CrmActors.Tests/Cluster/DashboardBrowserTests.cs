using CrmActors.Tests.Support;
using Microsoft.Playwright;

namespace CrmActors.Tests.Cluster;

/// <summary>The dashboard in a real headless Chromium against the three-node cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardBrowserTests(SiloCluster cluster)
{
    [Fact]
    public async Task AnOperatorSignsInAndSeesTheThreeNodesWithoutConsoleErrors()
    {
        await using var dashboard = await DashboardPage.AsOperatorAsync(cluster.Nodes[1].Address, SiloCluster.OperatorKey);
        var page = dashboard.Page;

        var healthy = page.Locator("#nodes tbody td.healthy");
        await Assertions.Expect(healthy).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        foreach (var node in cluster.Nodes)
        {
            await Assertions.Expect(page.Locator("#nodes tbody")).ToContainTextAsync(node.Name);
        }

        await Assertions.Expect(page.Locator("#reminders tbody")).ToContainTextAsync("maintenance");
        Assert.Empty(dashboard.Errors);

        // The operator's sign-in also opened the Orleans dashboard, which counts the same three silos.
        await page.ClickAsync("#orleans-link");
        await page.WaitForURLAsync("**/dashboard/orleans/**");
        var active = await page.EvaluateAsync<int>("async () => (await (await fetch('DashboardCounters')).json()).totalActiveHostCount");
        Assert.Equal(3, active);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Orleans", new() { Timeout = 15_000 });

        // A browser without the session is refused it.
        await using var stranger = await page.Context.Browser!.NewContextAsync();
        var refused = await (await stranger.NewPageAsync()).GotoAsync(new Uri(cluster.Nodes[2].Address, "/dashboard/orleans/").ToString());
        Assert.Equal(401, refused!.Status);
    }

    [Fact]
    public async Task AWrongKeyIsRefusedAndTheBoardStaysHidden()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Browsers.Chromium());
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(cluster.Nodes[0].Address, "/dashboard/").ToString());
        await page.FillAsync("#secret", "wrong");
        await page.ClickAsync("#sign-in button[type=submit]");

        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("operator key");
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();
    }
}
