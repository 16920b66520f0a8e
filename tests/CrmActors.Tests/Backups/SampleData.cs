using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>
/// A small organization's worth of data with every kind of relation: lookups to a module and to any
/// module, parent/child records, attachments and upload-field files, and cell values a spreadsheet
/// would run as formulas.
/// </summary>
public sealed class SampleData
{
    public static readonly string[] Modules = ["Accounts", "Contacts", "Deals", "Leads", "Tickets", "TicketThreads", "Notes", "Tasks", "Projects"];

    public Dictionary<string, string> Ids { get; } = [];

    public Dictionary<string, byte[]> Files { get; } = [];

    public int RecordCount { get; private set; }

    public static async Task<SampleData> CreateAsync(OrgSession org)
    {
        var data = new SampleData();
        await CreateProjectsModuleAsync(org);

        async Task<string> Add(string name, string module, object fields)
        {
            data.Ids[name] = await org.CreateRecordAsync(module, fields);
            data.RecordCount++;
            return data.Ids[name];
        }

        var acme = await Add("acme", "Accounts", new { Account_Name = "=HYPERLINK(\"http://evil.example\",\"x\")", Website = "https://acme.example", Phone = "+81 3 1234 5678" });
        var globex = await Add("globex", "Accounts", new { Account_Name = "Globex, \"Inc.\"", Phone = "(555) 010-0199" });
        for (var i = 0; i < 6; i++)
        {
            await Add($"contact{i}", "Contacts", new { First_Name = i % 2 == 0 ? "太郎" : "Zoë", Last_Name = $"山田 {i}", Email = $"c{i}@acme.example", Account_Name = i < 4 ? acme : globex });
        }

        await Add("deal", "Deals", new { Deal_Name = "-5% discount", Account_Name = acme, Stage = "Proposal", Amount = -1234.50m });
        await Add("deal2", "Deals", new { Deal_Name = "Renewal", Account_Name = globex, Stage = "Closed Won", Amount = 99.99m });
        await Add("lead", "Leads", new { First_Name = "@SUM(A1)", Last_Name = "'=already quoted", Company = "\tTabbed", Email = "lead@x.example" });
        await Add("lead2", "Leads", new { Last_Name = "Line one\r\nline two", Company = "Plain" });
        var leads = Enumerable.Range(0, 30).Select(i => new Dictionary<string, object>
        {
            ["Last_Name"] = $"Bulk {i} {Guid.NewGuid():N}", ["Company"] = $"Company {Guid.NewGuid():N}", ["Email"] = $"bulk{i}@leads.example",
        }).ToList();
        var bulk = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), OrgSession.Fields(leads));
        Assert.True(bulk.IsSuccessStatusCode, await bulk.Content.ReadAsStringAsync());
        data.RecordCount += leads.Count;
        var ticket = await Add("ticket", "Tickets", new { Subject = "Printer on fire", Contact_Name = data.Ids["contact0"], Status = "Open", Description = "Multi\nline, with \"quotes\"" });
        await Add("thread", "TicketThreads", new { Ticket_Id = ticket, Content = "+1 it is still burning", Direction = "in" });
        await Add("comment", "TicketComments", new { Ticket_Id = ticket, Comment = "Escalate" });
        await Add("note", "Notes", new { Note_Title = "Call notes", Note_Content = "=cmd|' /C calc'!A0", Parent_Id = data.Ids["deal"] });
        await Add("task", "Tasks", new { Subject = "Follow up", Due_Date = "2026-12-01", Status = "Not Started", What_Id = data.Ids["contact1"] });
        var project = await Add("project", "Projects", new { Project_Name = "Migration", Client = acme, Budget = 10000.25m, Active = true });

        var random = new Random(42);
        for (var i = 0; i < 3; i++)
        {
            var bytes = new byte[5_000 + i];
            random.NextBytes(bytes);
            var id = await org.UploadAsync("Accounts", i == 2 ? globex : acme, i == 0 ? "=evil.txt" : $"report: {i}.bin", bytes);
            data.Files[id] = bytes;
        }

        var contract = new byte[4_000];
        random.NextBytes(contract);
        data.Files[await org.UploadAsync("Projects", project, "contract.pdf", contract, "Contract")] = contract;
        var logo = new byte[3_000];
        random.NextBytes(logo);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(logo, 0);
        data.Files[await org.UploadAsync("Projects", project, "logo.png", logo, "Logo")] = logo;
        var noteFile = new byte[2_000];
        random.NextBytes(noteFile);
        data.Files[await org.UploadAsync("Notes", data.Ids["note"], "minutes.txt", noteFile)] = noteFile;
        return data;
    }

    public static async Task CreateProjectsModuleAsync(OrgSession org)
    {
        var response = await org.Admin.PostAsJsonAsync(org.Url("modules"), new
        {
            name = "Projects",
            fields = new object[]
            {
                new { name = "Project_Name", type = "text", required = true },
                new { name = "Client", type = "lookup", lookupModule = "Accounts" },
                new { name = "Contract", type = "fileupload" },
                new { name = "Logo", type = "imageupload" },
                new { name = "Budget", type = "decimal" },
                new { name = "Active", type = "boolean" },
            },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every record of the sample modules and every file, normalized for comparison (property order ignored).</summary>
    public static async Task<SortedDictionary<string, string>> SnapshotAsync(OrgSession org)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var module in Modules.Append("TicketComments"))
        {
            foreach (var record in await org.AllRecordsAsync(module))
            {
                var id = record.GetProperty("id").GetString()!;
                snapshot[$"{module}/{id}"] = Normalize(record);
                var files = await org.GetJsonAsync($"modules/{module}/records/{id}/attachments");
                foreach (var file in files.EnumerateArray())
                {
                    var fileId = file.GetProperty("id").GetString()!;
                    var content = await org.Admin.GetByteArrayAsync(org.Url($"modules/{module}/records/{id}/attachments/{fileId}"));
                    snapshot[$"{module}/{id}/files/{fileId}"] = Normalize(file) + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content));
                }
            }
        }

        return snapshot;
    }

    public static void AssertSame(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (key, value) in expected)
        {
            Assert.True(value == actual[key], $"{key}\nexpected {value}\nactual   {actual[key]}");
        }
    }

    public static string Normalize(JsonElement element) => Sort(JsonNode.Parse(element.GetRawText()))!.ToJsonString();

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sort)]),
        _ => node?.DeepClone(),
    };
}
