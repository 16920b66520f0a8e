using System.Text;
using CrmActors.Grains.Common;
using CrmActors.Grains.Migrations;

namespace CrmActors.Tests.Migrations;

/// <summary>Uploaded files that are refused, each with an error naming the file and what to change.</summary>
public sealed class MigrationSourceTests : IDisposable
{
    private readonly MigrationFiles _files = new();

    [Fact]
    public async Task ACsvWithAndWithoutByteOrderMarkReadsTheSameRows()
    {
        const string text = "Source_Id,Account_Name\r\nA1,Müller GmbH\r\nA2,\"Comma, Inc\"\r\n";
        foreach (var bom in new[] { false, true })
        {
            await using var source = await MigrationFiles.OpenAsync(_files.WriteCsv($"accounts{bom}.csv", text, bom), "accounts");
            await using var csv = await source.OpenCsvAsync(source.Parts.Single());

            Assert.Equal(["Source_Id", "Account_Name"], csv.Header);
            var rows = await csv.ReadRowsAsync().ToListAsync();
            Assert.Equal([1L, 2L], rows.Select(r => r.Row));
            Assert.Equal(["Müller GmbH", "Comma, Inc"], rows.Select(r => r.Cells[1]));
        }
    }

    [Fact]
    public async Task ALatin1FileIsRefusedNamingTheFileAndTheLine()
    {
        var bytes = Encoding.UTF8.GetBytes("Source_Id,Account_Name\nA1,Acme\n").Concat(Encoding.Latin1.GetBytes("A2,Müller\n")).ToArray();
        var path = _files.WriteBytes("accounts.csv", bytes);

        var problem = await RefusedAsync(path, "accounts");

        Assert.Equal(MigrationProblemCodes.InvalidEncoding, problem.Code);
        Assert.Contains("accounts.csv", problem.Message);
        Assert.Contains("line 3", problem.Message);
    }

    [Fact]
    public async Task AByteSequenceSplitAcrossReadsIsAcceptedAndOneCutOffAtTheEndIsRefused()
    {
        // 64 KiB of 'ü' (2 bytes each) with an odd prefix puts a sequence across every buffer boundary.
        var body = "Source_Id,Account_Name\nA1," + new string('ü', 70_000) + "\n";
        await using (var source = await MigrationFiles.OpenAsync(_files.WriteCsv("accounts.csv", body), "accounts"))
        await using (var csv = await source.OpenCsvAsync(source.Parts.Single()))
        {
            Assert.Equal(70_000, (await csv.ReadRowsAsync().SingleAsync()).Cells[1]!.Length);
        }

        var truncated = Encoding.UTF8.GetBytes("Source_Id,Account_Name\nA1,ü")[..^1];
        var problem = await RefusedAsync(_files.WriteBytes("cut.csv", truncated), "accounts");
        Assert.Equal(MigrationProblemCodes.InvalidEncoding, problem.Code);
        Assert.Contains("line 2", problem.Message);
    }

    [Fact]
    public async Task AUtf16FileIsRefusedAsNotUtf8()
    {
        var path = _files.WriteBytes("contacts.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Source_Id,Last_Name\nC1,Doe\n")]);

        var problem = await RefusedAsync(path, "contacts");

        Assert.Equal(MigrationProblemCodes.InvalidEncoding, problem.Code);
        Assert.Contains("contacts.csv", problem.Message);
    }

    [Fact]
    public async Task AnUnclosedQuoteIsRefusedNamingTheFileAndTheRow()
    {
        var path = _files.WriteCsv("tickets.csv", "Source_Id,Subject\nT1,Fine\nT2,\"Never closed\nT3,Lost\n");

        var problem = await RefusedAsync(path, "tickets");

        Assert.Equal(MigrationProblemCodes.MalformedCsv, problem.Code);
        Assert.Contains("tickets.csv", problem.Message);
        Assert.Contains("data row 2", problem.Message);
    }

    [Fact]
    public async Task AQuoteNeverClosedInALargeFileIsRefusedOnceItsCellPassesAMebibyteNotAtTheEnd()
    {
        // 3 MB after the open quote: read to the end, it would be one cell held in memory several times over.
        var rest = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"T{i},Subject number {i:D8}\n"));
        var path = _files.WriteCsv("tickets.csv", "Source_Id,Subject\nT1,Fine\nT2,\"Never closed\n" + rest);

        var problem = await RefusedAsync(path, "tickets");

        Assert.Equal(MigrationProblemCodes.MalformedCsv, problem.Code);
        Assert.Contains("tickets.csv", problem.Message);
        Assert.Contains("data row 2", problem.Message);
        Assert.Contains($"longer than {CsvCells.MaxCellChars:N0} characters", problem.Message);
    }

    [Fact]
    public async Task AStrayQuoteInsideAnUnquotedCellIsRefused()
    {
        var problem = await RefusedAsync(_files.WriteCsv("tickets.csv", "Source_Id,Subject\nT1,Say \"hi\" now\n"), "tickets");

        Assert.Equal(MigrationProblemCodes.MalformedCsv, problem.Code);
        Assert.Contains("data row 1", problem.Message);
    }

    [Fact]
    public async Task ADuplicateHeaderIsRefusedEvenInAnotherCase()
    {
        var problem = await RefusedAsync(_files.WriteCsv("tickets.csv", "Source_Id,Subject,subject\nT1,a,b\n"), "tickets");

        Assert.Equal(MigrationProblemCodes.DuplicateHeader, problem.Code);
        Assert.Contains("'Subject'", problem.Message);
    }

    [Theory]
    [InlineData("../tickets.csv")]
    [InlineData("files/../../etc/passwd")]
    [InlineData("/tickets.csv")]
    [InlineData("C:/tickets.csv")]
    [InlineData("files\\a.png")]
    public async Task AZipEntryThatCouldEscapeAFolderIsRefused(string entry)
    {
        var path = _files.WriteZip("export.zip", ("tickets.csv", "Source_Id,Subject\nT1,a\n"), (entry, "x"));

        var problem = await Assert.ThrowsAsync<ProblemException>(() => MigrationFiles.OpenAsync(path));

        Assert.Equal(MigrationProblemCodes.UnsafeEntry, problem.Code);
        Assert.Contains("export.zip", problem.Message);
    }

    [Fact]
    public async Task AnUnknownModuleIsRefusedNamingTheAllowedOnes()
    {
        var header = await Assert.ThrowsAsync<ProblemException>(() => MigrationFiles.OpenAsync(_files.WriteCsv("x.csv", "Source_Id\n1\n"), "invoices"));
        var zip = await Assert.ThrowsAsync<ProblemException>(() => MigrationFiles.OpenAsync(_files.WriteZip("e.zip", ("invoices.csv", "Source_Id\n1\n"))));
        var missing = await Assert.ThrowsAsync<ProblemException>(() => MigrationFiles.OpenAsync(_files.WriteCsv("y.csv", "Source_Id\n1\n"), null));

        foreach (var problem in new[] { header, zip, missing })
        {
            Assert.Equal(MigrationProblemCodes.UnknownModule, problem.Code);
            Assert.Contains("agents", problem.Message);
            Assert.Contains("knowledge_base", problem.Message);
        }

        Assert.Contains("invoices", header.Message);
        Assert.Contains("invoices.csv", zip.Message);
    }

    [Fact]
    public async Task ModuleNamesAreTakenInAnyCaseAndAsCrmModuleNames()
    {
        foreach (var (name, module) in new[] { ("Tickets", "tickets"), ("TicketThreads", "ticket_threads"), ("KNOWLEDGE_BASE", "knowledge_base") })
        {
            await using var source = await MigrationFiles.OpenAsync(_files.WriteCsv($"{module}.csv", "Source_Id\n1\n"), name);
            Assert.Equal(module, source.Parts.Single().Module);
        }
    }

    [Fact]
    public async Task FilesInAZipWithoutAttachmentsCsvAreRefused()
    {
        var path = _files.WriteZip("export.zip", ("tickets.csv", "Source_Id,Subject\nT1,a\n"), ("files/a.png", "png"));

        var problem = await Assert.ThrowsAsync<ProblemException>(() => MigrationFiles.OpenAsync(path));

        Assert.Contains("attachments.csv", problem.Message);
    }

    [Fact]
    public async Task AZipFromAStreamThatCannotSeekIsReadThroughATemporaryCopy()
    {
        var bytes = File.ReadAllBytes(_files.WriteZip("export.zip", ("accounts.csv", "Source_Id,Account_Name\nA1,Acme\n"), ("tickets.csv", "Source_Id,Subject\nT1,x\n")));

        await using var source = await MigrationSource.OpenAsync("export.zip", new ForwardOnlyStream(bytes), null);
        await using var csv = await source.OpenCsvAsync(source.Parts[1]);

        Assert.Equal(["accounts", "tickets"], source.Parts.Select(p => p.Module));
        Assert.Equal("x", (await csv.ReadRowsAsync().SingleAsync()).Cells[1]);
    }

    [Fact]
    public async Task AttachmentsAsAPlainCsvAreRefusedSayingTheyComeAsAZip()
    {
        var path = _files.WriteCsv("attachments.csv", "Source_Id,Ticket_Id,File_Name,Path\nF1,T1,a.png,files/a.png\n");

        var problem = await Assert.ThrowsAsync<ProblemException>(() => MigrationFiles.OpenAsync(path, "attachments"));

        Assert.Contains("ZIP holding attachments.csv", problem.Message);
    }

    [Theory]
    [InlineData("../tickets.csv")]
    [InlineData("a/b.csv")]
    [InlineData("a\\b.csv")]
    [InlineData("C:tickets.csv")]
    [InlineData("tick\nets.csv")]
    [InlineData("..")]
    [InlineData(" . ")]
    [InlineData("")]
    public void AnUploadNameThatIsNotAPlainFileNameIsRefused(string name)
    {
        Assert.False(MigrationFileNames.IsPlain(name));
        var problem = Assert.Throws<ProblemException>(() => MigrationFileNames.RequirePlain(name));
        Assert.Equal(MigrationProblemCodes.InvalidFileName, problem.Code);
    }

    [Theory]
    [InlineData("tickets.csv")]
    [InlineData("Zendesk export 2026-04 (1).zip")]
    [InlineData("チケット.csv")]
    public void APlainFileNameIsAccepted(string name) => Assert.Equal(name, MigrationFileNames.RequirePlain(name));

    private static async Task<ProblemException> RefusedAsync(string path, string module) =>
        await Assert.ThrowsAsync<ProblemException>(async () =>
        {
            await using var source = await MigrationFiles.OpenAsync(path, module);
            await using var csv = await source.OpenCsvAsync(source.Parts.Single());
            await foreach (var _ in csv.ReadRowsAsync())
            {
            }
        });

    public void Dispose() => _files.Dispose();

    /// <summary>A network body or remote blob: readable once, front to back.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
