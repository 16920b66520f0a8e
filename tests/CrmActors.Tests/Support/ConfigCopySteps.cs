using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmActors.Tests.Support;

/// <summary>The calls a configuration-copy test makes: customizing an org, keys, sending, approving, waiting.</summary>
public static class ConfigCopySteps
{
    /// <summary>A customization touching every component kind: a custom module, custom fields on a standard module, a changed standard picklist, layouts, a rule, a blueprint, roles and a profile.</summary>
    public static async Task CustomizeAsync(this OrgSession org)
    {
        await org.PostOkAsync("modules", new
        {
            name = "Projects",
            fields = new object[]
            {
                new { name = "Project_Name", type = "text", required = true },
                new { name = "Status", type = "picklist", values = new[] { "Planned", "Active", "Done" } },
                new { name = "Budget", type = "decimal" },
                new { name = "Kickoff", type = "date" },
                new { name = "Client", type = "lookup", lookupModule = "Accounts" },
            },
        });
        await org.PostOkAsync("modules/Projects/fields", new { name = "Parent_Project", type = "lookup", lookupModule = "Projects" });
        await org.PostOkAsync("modules/Leads/fields", new { name = "Rating", type = "picklist", values = new[] { "Hot", "Warm", "Cold" } });
        await org.PostOkAsync("modules/Leads/fields", new { name = "Score", type = "number" });
        await org.SendOkAsync(HttpMethod.Patch, "modules/Deals/fields/Stage",
            new { values = new[] { "Qualification", "Proposal", "Negotiation", "On Hold", "Closed Won", "Closed Lost" } });
        await org.PostOkAsync("settings/layouts", new
        {
            module = "Leads", name = "Sales",
            sections = new object[] { new { name = "Contact", fields = new[] { "Last_Name", "Company", "Email" } }, new { name = "Qualification", fields = new[] { "Rating", "Score" } } },
        });
        await org.PostOkAsync("settings/layouts", new
        {
            module = "Projects", name = "Standard",
            sections = new object[] { new { name = "Project", fields = new[] { "Project_Name", "Status", "Kickoff", "Client" } } },
        });
        await org.PostOkAsync("settings/workflow-rules", new
        {
            name = "Hot leads", module = "Leads", trigger = "on_create_or_edit",
            conditions = new object[] { new { field = "Score", @operator = "greater_than", value = 80 } },
            actions = new object[] { new { type = "field_update", field = "Rating", value = "Hot" } },
        });
        await org.PostOkAsync("settings/blueprints", new
        {
            name = "Project lifecycle", module = "Projects", field = "Status", states = new[] { "Planned", "Active", "Done" },
            transitions = new object[]
            {
                new { name = "Start", from = "Planned", to = "Active", requiredFields = new[] { "Kickoff" } },
                new { name = "Finish", from = "Active", to = "Done" },
            },
        });
        await org.PostOkAsync("settings/roles", new { name = "CEO" });
        await org.PostOkAsync("settings/roles", new { name = "Sales Manager", reportsTo = "CEO" });
        await org.PostOkAsync("settings/roles", new { name = "Sales Rep", reportsTo = "Sales Manager" });
        await org.PostOkAsync("settings/profiles", new
        {
            name = "Sales",
            permissions = new { modules = new Dictionary<string, string[]> { ["Leads"] = ["view", "create", "edit"], ["Projects"] = ["view"] }, features = new[] { "export" } },
        });
    }

    public static async Task<JsonElement> PostOkAsync(this OrgSession org, string path, object body) =>
        await org.SendOkAsync(HttpMethod.Post, path, body);

    public static async Task<JsonElement> SendOkAsync(this OrgSession org, HttpMethod method, string path, object? body = null)
    {
        var response = await org.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> SendAsync(this OrgSession org, HttpMethod method, string path, object? body = null, HttpClient? client = null) =>
        (client ?? org.Admin).SendAsync(new HttpRequestMessage(method, org.Url(path)) { Content = body is null ? null : OrgSession.Fields(body) });

    public static async Task<string> IssueKeyAsync(this OrgSession target)
    {
        var response = await target.Admin.PostAsync(target.Url("config-copy/keys"), null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public static Task<HttpResponseMessage> SendConfigurationAsync(this OrgSession source, string key) =>
        source.Admin.PostAsJsonAsync(source.Url("config-copy/send"), new { key });

    public static async Task<string> SendConfigurationOkAsync(this OrgSession source, string key)
    {
        var response = await source.SendConfigurationAsync(key);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("transferId").GetString()!;
    }

    /// <summary>Key from the target, send from the source: the transfer ID.</summary>
    public static async Task<string> CopyAsync(this OrgSession source, OrgSession target) =>
        await source.SendConfigurationOkAsync(await target.IssueKeyAsync());

    public static Task<HttpResponseMessage> ApproveAsync(this OrgSession target, string transferId) =>
        target.Admin.PostAsync(target.Url($"config-copy/incoming/{transferId}/approve"), null);

    public static Task<JsonElement> TransferAsync(this OrgSession target, string transferId) =>
        target.GetJsonAsync($"config-copy/incoming/{transferId}");

    /// <summary>Waits until the approved transfer is applied or failed, and returns it.</summary>
    public static Task<JsonElement> SettledAsync(this OrgSession target, string transferId) =>
        Eventually.GetAsync(() => target.TransferAsync(transferId),
            t => t.GetProperty("status").GetString() is "applied" or "failed", TimeSpan.FromSeconds(30), $"transfer {transferId} to settle");

    public static async Task<string> ExportAsync(this OrgSession org) => (await org.GetJsonAsync("settings/export")).GetRawText();

    public static async Task<List<JsonElement>> AuditAsync(this OrgSession org) =>
        (await org.GetJsonAsync("audit-log")).EnumerateArray().ToList();

    public static IEnumerable<JsonElement> Changes(this JsonElement entry) => entry.GetProperty("changes").EnumerateArray();

    /// <summary>Audit entries a configuration copy made for each component it applied.</summary>
    public static IEnumerable<JsonElement> AppliedBy(this IEnumerable<JsonElement> entries, string transferId) =>
        entries.Where(e => e.Changes().Any(c => c.GetProperty("field").GetString() == "configCopy" && c.GetProperty("new").GetString() == transferId));
}
