using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Api;

/// <summary>Configuration copy between two organizations over HTTP, on each storage provider.</summary>
public abstract class ConfigCopyApiTests(CrmApplication app)
{
    [Fact]
    public async Task TheTargetEndsWithTheSourcesCustomizationAndNoneOfItsRecords()
    {
        var source = await app.CreateOrgAsync("enterprise");
        var target = await app.CreateOrgAsync("standard");
        await source.CustomizeAsync();
        await source.CreateRecordAsync("Leads", new { Last_Name = "Source lead", Score = 10 });
        await source.CreateRecordAsync("Projects", new { Project_Name = "Source project", Status = "Planned" });

        var transferId = await source.CopyAsync(target);
        var incoming = Assert.Single((await target.GetJsonAsync("config-copy/incoming")).EnumerateArray());
        Assert.Equal(source.OrgId, incoming.GetProperty("sourceOrgId").GetString());
        Assert.Equal("pending", incoming.GetProperty("status").GetString());
        var preview = incoming.GetProperty("preview").EnumerateArray().ToList();
        var changed = Assert.Single(preview, p => p.GetProperty("change").GetString() != "add");
        Assert.Equal(("field", "Deals.Stage", "change"), (changed.GetProperty("component").GetString(), changed.GetProperty("name").GetString(), changed.GetProperty("change").GetString()));
        Assert.Contains(preview, p => p.GetProperty("component").GetString() == "module" && p.GetProperty("name").GetString() == "Projects");
        Assert.Contains(preview, p => p.GetProperty("component").GetString() == "field" && p.GetProperty("name").GetString() == "Leads.Rating");
        Assert.Contains(preview, p => p.GetProperty("component").GetString() == "workflow_rule" && p.GetProperty("name").GetString() == "Hot leads");
        Assert.Contains(preview, p => p.GetProperty("component").GetString() == "blueprint" && p.GetProperty("name").GetString() == "Project lifecycle");
        Assert.Contains(preview, p => p.GetProperty("component").GetString() == "role" && p.GetProperty("name").GetString() == "Sales Rep");
        Assert.Contains(preview, p => p.GetProperty("component").GetString() == "profile" && p.GetProperty("name").GetString() == "Sales");
        Assert.NotEqual(await source.ExportAsync(), await target.ExportAsync());

        Assert.Equal(HttpStatusCode.Accepted, (await target.ApproveAsync(transferId)).StatusCode);
        var settled = await target.SettledAsync(transferId);

        Assert.Equal("applied", settled.GetProperty("status").GetString());
        Assert.Equal(preview.Count, settled.GetProperty("appliedChanges").GetInt32());
        Assert.Equal(await source.ExportAsync(), await target.ExportAsync());
        Assert.Equal(0, (await target.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await target.GetJsonAsync("modules/Projects/records")).GetProperty("total").GetInt32());
        Assert.Equal(preview.Count, (await target.AuditAsync()).AppliedBy(transferId).Count());
        var sent = await source.GetJsonAsync($"config-copy/sent/{transferId}");
        Assert.Equal("applied", sent.GetProperty("status").GetString());

        // The copied rule and blueprint work in the target, bound to its own fields.
        var lead = await target.CreateRecordAsync("Leads", new { Last_Name = "Target lead", Score = 95 });
        Assert.Equal("Hot", (await target.GetJsonAsync($"modules/Leads/records/{lead}")).GetProperty("Rating").GetString());
        var project = await target.CreateRecordAsync("Projects", new { Project_Name = "P", Status = "Planned" });
        var skip = await target.SendAsync(HttpMethod.Patch, $"modules/Projects/records/{project}", new { Status = "Done" });
        await skip.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task FreeAndSandboxOrganizationsCannotCopy()
    {
        var target = await app.CreateOrgAsync();
        var free = await app.CreateOrgAsync("free");
        var sandbox = await app.CreateOrgAsync("enterprise", sandbox: true);
        var key = await target.IssueKeyAsync();

        var fromFree = await (await free.SendConfigurationAsync(key)).AssertProblemAsync(HttpStatusCode.Forbidden, "plan-not-allowed");
        Assert.Equal("plan", fromFree.GetProperty("rule").GetString());
        var fromSandbox = await (await sandbox.SendConfigurationAsync(key)).AssertProblemAsync(HttpStatusCode.Forbidden, "plan-not-allowed");
        Assert.Equal("sandbox", fromSandbox.GetProperty("rule").GetString());
        await (await free.Admin.PostAsync(free.Url("config-copy/keys"), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "plan-not-allowed");
        await (await sandbox.Admin.PostAsync(sandbox.Url("config-copy/keys"), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "plan-not-allowed");

        // The refused sends did not spend the key, and a source with integrations enabled may send.
        var source = await app.CreateOrgAsync("professional");
        await source.SendOkAsync(HttpMethod.Patch, "", new { integrations = new[] { "salesforce" } });
        await source.SendConfigurationOkAsync(key);
    }

    [Fact]
    public async Task ExpiredUsedRevokedUnknownAndOwnKeysAreRefused()
    {
        var source = await app.CreateOrgAsync();
        var target = await app.CreateOrgAsync();

        async Task AssertRefusedAsync(OrgSession sender, string key, string reason)
        {
            var problem = await (await sender.SendConfigurationAsync(key)).AssertProblemAsync(HttpStatusCode.BadRequest, "key-invalid");
            Assert.Equal(reason, problem.GetProperty("reason").GetString());
        }

        await AssertRefusedAsync(source, "not-a-key", "unknown");

        var own = await target.IssueKeyAsync();
        await AssertRefusedAsync(target, own, "own-organization");
        var revoked = own;
        var used = await target.IssueKeyAsync();
        await AssertRefusedAsync(source, revoked, "revoked");
        await source.SendConfigurationOkAsync(used);
        await AssertRefusedAsync(source, used, "used");

        var expiring = await target.IssueKeyAsync();
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await AssertRefusedAsync(source, expiring, "expired");
        Assert.Equal("expired", (await target.GetJsonAsync("config-copy/keys/current")).GetProperty("status").GetString());

        // Only the one send that a valid key allowed reached the target.
        Assert.Single((await target.GetJsonAsync("config-copy/incoming")).EnumerateArray());
    }

    [Fact]
    public async Task ReceivingNeedsEveryIntegrationDisabled()
    {
        var source = await app.CreateOrgAsync();
        var target = await app.CreateOrgAsync();
        await source.PostOkAsync("settings/roles", new { name = "CEO" });
        await target.SendOkAsync(HttpMethod.Patch, "", new { integrations = new[] { "crm", "salesforce" } });
        var transferId = await source.CopyAsync(target);

        var transfer = await target.TransferAsync(transferId);
        Assert.Contains("salesforce", Assert.Single(transfer.GetProperty("warnings").EnumerateArray()).GetString());
        await (await target.ApproveAsync(transferId)).AssertProblemAsync(HttpStatusCode.Conflict, "integrations-enabled");
        Assert.Equal("pending", (await target.TransferAsync(transferId)).GetProperty("status").GetString());
        Assert.Empty((await target.GetJsonAsync("settings/roles")).EnumerateArray());

        await target.SendOkAsync(HttpMethod.Patch, "", new { integrations = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Accepted, (await target.ApproveAsync(transferId)).StatusCode);
        Assert.Equal("applied", (await target.SettledAsync(transferId)).GetProperty("status").GetString());
        Assert.Equal("CEO", Assert.Single((await target.GetJsonAsync("settings/roles")).EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task OnlyAdministratorsCopyConfiguration()
    {
        var source = await app.CreateOrgAsync();
        var target = await app.CreateOrgAsync();
        var transferId = await source.CopyAsync(target);
        var (_, sourceToken) = await source.AddUserAsync();
        var (_, targetToken) = await target.AddUserAsync();
        using var sourceUser = app.ClientFor(sourceToken);
        using var targetUser = app.ClientFor(targetToken);

        await (await targetUser.PostAsync(target.Url("config-copy/keys"), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await sourceUser.PostAsJsonAsync(source.Url("config-copy/send"), new { key = "k" })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await targetUser.GetAsync(target.Url("config-copy/incoming"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await targetUser.PostAsync(target.Url($"config-copy/incoming/{transferId}/approve"), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await targetUser.PostAsync(target.Url($"config-copy/incoming/{transferId}/reject"), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await targetUser.GetAsync(target.Url("settings/export"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // Another organization's admin cannot see or decide the transfer either.
        await (await source.ApproveAsync(transferId)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await source.Admin.PostAsync(target.Url($"config-copy/incoming/{transferId}/approve"), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal("pending", (await target.TransferAsync(transferId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AConflictingFieldTypeIsAConflictAndApprovalIsRefused()
    {
        var source = await app.CreateOrgAsync();
        var target = await app.CreateOrgAsync();
        await source.CustomizeAsync();
        await target.PostOkAsync("modules/Leads/fields", new { name = "Score", type = "text" });
        var before = await target.ExportAsync();
        var transferId = await source.CopyAsync(target);

        var preview = (await target.TransferAsync(transferId)).GetProperty("preview").EnumerateArray().ToList();
        var conflicts = preview.Where(p => p.GetProperty("change").GetString() == "conflict")
            .ToDictionary(p => (p.GetProperty("component").GetString(), p.GetProperty("name").GetString()), p => p.GetProperty("detail").GetString());
        Assert.Equal(2, conflicts.Count);
        Assert.Contains("text field here and a number field in the copy", conflicts[("field", "Leads.Score")]);
        Assert.Contains("Score is a text field", conflicts[("workflow_rule", "Hot leads")]);

        var refused = await (await target.ApproveAsync(transferId)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains("Leads.Score", refused.GetProperty("detail").GetString());
        Assert.Equal(before, await target.ExportAsync());
        Assert.Equal("pending", (await target.TransferAsync(transferId)).GetProperty("status").GetString());
        Assert.Empty((await target.AuditAsync()).AppliedBy(transferId));

        // Rejecting it closes it for good.
        await target.PostOkAsync($"config-copy/incoming/{transferId}/reject", new { });
        await (await target.ApproveAsync(transferId)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("rejected", (await target.TransferAsync(transferId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TwoApprovalsAtOnceApplyTheCopyOnce()
    {
        var source = await app.CreateOrgAsync();
        var target = await app.CreateOrgAsync();
        await source.CustomizeAsync();
        var transferId = await source.CopyAsync(target);

        var answers = await Task.WhenAll(target.ApproveAsync(transferId), target.ApproveAsync(transferId));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        await Assert.Single(answers, a => a.StatusCode != HttpStatusCode.Accepted).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        var settled = await target.SettledAsync(transferId);
        Assert.Equal("applied", settled.GetProperty("status").GetString());
        var audit = await target.AuditAsync();
        Assert.Single(audit, e => e.GetProperty("setting").GetString() == $"config-copy/applications/{transferId}");
        Assert.Equal(settled.GetProperty("appliedChanges").GetInt32(), audit.AppliedBy(transferId).Count());
        Assert.Equal(await source.ExportAsync(), await target.ExportAsync());
    }

    [Fact]
    public async Task AFailureLateInTheApplyLeavesTheTargetExactlyAsBefore()
    {
        var source = await app.CreateOrgAsync();
        var target = await app.CreateOrgAsync();
        await source.CustomizeAsync();

        // The target's own rule sets a Rating value the copy's picklist drops: the field change applies first,
        // then layouts, rules, blueprints, roles and profiles, and only the final check finds the broken rule.
        await target.PostOkAsync("modules/Leads/fields", new { name = "Rating", type = "picklist", values = new[] { "VIP", "Hot" } });
        await target.PostOkAsync("settings/workflow-rules", new
        {
            name = "Flag VIPs", module = "Leads", trigger = "on_create",
            conditions = new object[] { new { field = "Company", @operator = "equals", value = "Acme" } },
            actions = new object[] { new { type = "field_update", field = "Rating", value = "VIP" } },
        });
        var before = await target.ExportAsync();
        var auditBefore = (await target.AuditAsync()).Count;
        var transferId = await source.CopyAsync(target);
        var preview = (await target.TransferAsync(transferId)).GetProperty("preview").EnumerateArray().ToList();
        Assert.DoesNotContain(preview, p => p.GetProperty("change").GetString() == "conflict");
        Assert.Contains(preview, p => p.GetProperty("name").GetString() == "Leads.Rating" && p.GetProperty("change").GetString() == "change");

        Assert.Equal(HttpStatusCode.Accepted, (await target.ApproveAsync(transferId)).StatusCode);
        var settled = await target.SettledAsync(transferId);

        Assert.Equal("failed", settled.GetProperty("status").GetString());
        Assert.Contains("Flag VIPs", settled.GetProperty("failureReason").GetString());
        // The sender learns that it failed, not which of the target's rules it broke.
        var sent = await source.GetJsonAsync($"config-copy/sent/{transferId}");
        Assert.Equal("failed", sent.GetProperty("status").GetString());
        Assert.DoesNotContain("Flag VIPs", sent.GetProperty("failureReason").GetString());
        Assert.Equal(before, await target.ExportAsync());
        var audit = await target.AuditAsync();
        Assert.Empty(audit.AppliedBy(transferId));
        Assert.All(audit.Skip(auditBefore), e => Assert.StartsWith("config-copy/", e.GetProperty("setting").GetString()));
        Assert.DoesNotContain(audit, e => e.GetProperty("setting").GetString() == $"config-copy/applications/{transferId}");
        var lead = await target.CreateRecordAsync("Leads", new { Last_Name = "Still works", Company = "Acme" });
        Assert.Equal("VIP", (await target.GetJsonAsync($"modules/Leads/records/{lead}")).GetProperty("Rating").GetString());
    }
}

public sealed class SqliteConfigCopyApiTests(SqliteCrmApplication app) : ConfigCopyApiTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresConfigCopyApiTests(PostgresCrmApplication app) : ConfigCopyApiTests(app), IClassFixture<PostgresCrmApplication>;
