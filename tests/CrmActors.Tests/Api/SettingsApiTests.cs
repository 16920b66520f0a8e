using System.Net;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Api;

/// <summary>Layouts, workflow rules, blueprints, roles and profiles over HTTP, on each storage provider.</summary>
public abstract class SettingsApiTests(CrmApplication app)
{
    [Fact]
    public async Task EachKindIsCreatedChangedAndListed()
    {
        var org = await app.CreateOrgAsync();
        await org.CustomizeAsync();

        await org.SendOkAsync(HttpMethod.Put, "settings/layouts/Leads/Sales", new { sections = new object[] { new { name = "All", fields = new[] { "Last_Name", "Rating" } } } });
        await org.SendOkAsync(HttpMethod.Put, "settings/workflow-rules/Hot leads", new
        {
            module = "Leads", trigger = "on_create", active = false,
            actions = new object[] { new { type = "field_update", field = "Rating", value = "Warm" } },
        });
        await org.SendOkAsync(HttpMethod.Put, "settings/blueprints/Project lifecycle", new
        {
            module = "Projects", field = "Status", states = new[] { "Planned", "Done" },
            transitions = new object[] { new { name = "Close", from = "Planned", to = "Done" } },
        });
        await org.SendOkAsync(HttpMethod.Put, "settings/roles/Sales Rep", new { reportsTo = "CEO" });
        await org.SendOkAsync(HttpMethod.Put, "settings/profiles/Sales", new { permissions = new { modules = new Dictionary<string, string[]> { ["leads"] = ["edit", "view"] } } });

        var layout = Assert.Single((await org.GetJsonAsync("settings/layouts")).EnumerateArray(), l => l.GetProperty("module").GetString() == "Leads");
        Assert.Equal(["Last_Name", "Rating"], layout.GetProperty("sections")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        var rule = Assert.Single((await org.GetJsonAsync("settings/workflow-rules")).EnumerateArray());
        Assert.False(rule.GetProperty("active").GetBoolean());
        Assert.Empty(rule.GetProperty("conditions").EnumerateArray());
        var blueprint = Assert.Single((await org.GetJsonAsync("settings/blueprints")).EnumerateArray());
        Assert.Equal("Close", Assert.Single(blueprint.GetProperty("transitions").EnumerateArray()).GetProperty("name").GetString());
        var roles = (await org.GetJsonAsync("settings/roles")).EnumerateArray().ToList();
        Assert.Equal("CEO", roles.Single(r => r.GetProperty("name").GetString() == "Sales Rep").GetProperty("reportsTo").GetString());
        var profile = Assert.Single((await org.GetJsonAsync("settings/profiles")).EnumerateArray());
        Assert.Equal(["view", "edit"], profile.GetProperty("permissions").GetProperty("modules").GetProperty("Leads").EnumerateArray().Select(a => a.GetString()));

        await (await org.SendAsync(HttpMethod.Post, "settings/roles", new { name = "ceo" })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await org.SendAsync(HttpMethod.Put, "settings/roles/Nobody", new { })).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await org.SendAsync(HttpMethod.Put, "settings/roles/CEO", new { name = "Chief" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        var audited = (await org.AuditAsync()).Select(e => e.GetProperty("setting").GetString()).ToList();
        Assert.Contains("settings/workflow-rules/Hot leads", audited);
        Assert.Contains("settings/roles/Sales Rep", audited);
    }

    [Fact]
    public async Task UnknownModulesFieldsAndBadValuesAreRefusedByName()
    {
        var org = await app.CreateOrgAsync();
        await org.CustomizeAsync();

        async Task AssertInvalidAsync(string path, object body, string field, string named)
        {
            var problem = await (await org.SendAsync(HttpMethod.Post, path, body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(named, problem.GetProperty("detail").GetString());
        }

        await AssertInvalidAsync("settings/layouts", new { module = "Invoices", name = "L", sections = new object[] { new { name = "S", fields = new[] { "X" } } } }, "module", "Invoices");
        await AssertInvalidAsync("settings/layouts", new { module = "Leads", name = "L", sections = new object[] { new { name = "S", fields = new[] { "Last_Name", "Fax" } } } }, "sections[0].fields[1]", "Fax");
        await AssertInvalidAsync("settings/workflow-rules", new
        {
            name = "R", module = "Leads", trigger = "on_create",
            conditions = new object[] { new { field = "Shoe_Size", @operator = "equals", value = 1 } },
            actions = new object[] { new { type = "field_update", field = "Rating", value = "Hot" } },
        }, "conditions[0].field", "Shoe_Size");
        await AssertInvalidAsync("settings/workflow-rules", new
        {
            name = "R", module = "Leads", trigger = "on_create",
            actions = new object[] { new { type = "field_update", field = "Score", value = "lots" } },
        }, "Score", "whole number");
        await AssertInvalidAsync("settings/workflow-rules", new
        {
            name = "R", module = "Leads", trigger = "on_create",
            actions = new object[] { new { type = "field_update", field = "Rating", value = "Lukewarm" } },
        }, "Rating", "Hot, Warm, Cold");
        await AssertInvalidAsync("settings/workflow-rules", new
        {
            name = "R", module = "Leads", trigger = "on_create",
            conditions = new object[] { new { field = "Score", @operator = "contains", value = "9" } },
            actions = new object[] { new { type = "field_update", field = "Rating", value = "Hot" } },
        }, "conditions[0].operator", "number");
        await AssertInvalidAsync("settings/blueprints", new
        {
            name = "B", module = "Leads", field = "Company", states = new[] { "A", "B" },
            transitions = new object[] { new { name = "T", from = "A", to = "B" } },
        }, "field", "Company");
        await AssertInvalidAsync("settings/blueprints", new
        {
            name = "B", module = "Leads", field = "Rating", states = new[] { "Hot", "Frozen" },
            transitions = new object[] { new { name = "T", from = "Hot", to = "Frozen" } },
        }, "states", "Frozen");
        await AssertInvalidAsync("settings/roles", new { name = "Intern", reportsTo = "Nobody" }, "reportsTo", "Nobody");
        await AssertInvalidAsync("settings/profiles", new { name = "P", permissions = new { modules = new Dictionary<string, string[]> { ["Invoices"] = ["view"] } } }, "permissions.modules", "Invoices");

        // A reporting line may not loop back.
        var cycle = await (await org.SendAsync(HttpMethod.Put, "settings/roles/CEO", new { reportsTo = "Sales Rep" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("cycle", cycle.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WorkflowRulesUpdateRecordsOnCreateAndEdit()
    {
        var org = await app.CreateOrgAsync();
        await org.CustomizeAsync();

        var cold = await org.CreateRecordAsync("Leads", new { Last_Name = "Cold", Score = 20, Rating = "Cold" });
        Assert.Equal("Cold", (await org.GetJsonAsync($"modules/Leads/records/{cold}")).GetProperty("Rating").GetString());
        var edited = await org.SendOkAsync(HttpMethod.Patch, $"modules/Leads/records/{cold}", new { Score = 81 });
        Assert.Equal("Hot", edited.GetProperty("Rating").GetString());

        var bulk = await org.SendOkAsync(HttpMethod.Post, "modules/Leads/records/bulk", new object[] { new { Last_Name = "B1", Score = 99 }, new { Last_Name = "B2", Score = 1 } });
        Assert.Equal(2, bulk.GetProperty("created").GetInt32());
        var hot = (await org.GetJsonAsync("modules/Leads/records?Rating=Hot")).GetProperty("total").GetInt32();
        Assert.Equal(2, hot);
    }

    [Fact]
    public async Task BlueprintsAllowOnlyTheirTransitionsWithTheirRequiredFields()
    {
        var org = await app.CreateOrgAsync();
        await org.CustomizeAsync();
        var project = await org.CreateRecordAsync("Projects", new { Project_Name = "Launch", Status = "Planned" });

        var skipped = await (await org.SendAsync(HttpMethod.Patch, $"modules/Projects/records/{project}", new { Status = "Done" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("'Active'", skipped.GetProperty("detail").GetString());
        var missing = await (await org.SendAsync(HttpMethod.Patch, $"modules/Projects/records/{project}", new { Status = "Active" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("Kickoff", missing.GetProperty("field").GetString());

        var started = await org.SendOkAsync(HttpMethod.Patch, $"modules/Projects/records/{project}", new { Status = "Active", Kickoff = "2026-05-01" });
        Assert.Equal("Active", started.GetProperty("Status").GetString());
        Assert.Equal("Done", (await org.SendOkAsync(HttpMethod.Patch, $"modules/Projects/records/{project}", new { Status = "Done" })).GetProperty("Status").GetString());
    }

    [Fact]
    public async Task AFieldChangeThatWouldBreakARuleOrBlueprintIsRefused()
    {
        var org = await app.CreateOrgAsync();
        await org.CustomizeAsync();

        var refused = await (await org.SendAsync(HttpMethod.Patch, "modules/Leads/fields/Rating", new { values = new[] { "Warm", "Cold" } })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains("Hot leads", refused.GetProperty("detail").GetString());
        await (await org.SendAsync(HttpMethod.Patch, "modules/Leads/fields/Last_Name", new { required = false })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        var widened = await org.SendOkAsync(HttpMethod.Patch, "modules/Leads/fields/Rating", new { values = new[] { "Hot", "Warm", "Cold", "Frozen" }, required = true });
        var rating = widened.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Rating");
        Assert.True(rating.GetProperty("required").GetBoolean());
        Assert.Equal(4, rating.GetProperty("values").GetArrayLength());
    }

    [Fact]
    public async Task SettingsAreForAdministratorsOnly()
    {
        var org = await app.CreateOrgAsync();
        var (_, token) = await org.AddUserAsync();
        using var user = app.ClientFor(token);

        foreach (var kind in new[] { "layouts", "workflow-rules", "blueprints", "roles", "profiles" })
        {
            await (await user.GetAsync(org.Url($"settings/{kind}"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await org.SendAsync(HttpMethod.Post, $"settings/{kind}", new { name = "X" }, user)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }
}

public sealed class SqliteSettingsApiTests(SqliteCrmApplication app) : SettingsApiTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresSettingsApiTests(PostgresCrmApplication app) : SettingsApiTests(app), IClassFixture<PostgresCrmApplication>;
