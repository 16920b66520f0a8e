using System.Globalization;
using System.Text;
using CrmActors.Grains.Backups;
using CsvHelper;

namespace CrmActors.Tests.Backups;

/// <summary>
/// A backup's rows are formatted as UTF-8 straight from the stored JSON: every cell must read back, through a
/// standard CSV reader, as the field's value with formula neutralization applied, whatever the value holds.
/// </summary>
public sealed class RecordCsvEncoderTests
{
    private static readonly string[] Fields = ["Last_Name", "Company", "Notes", "Title", "Score", "Amount", "Active"];

    public static TheoryData<string, string?[]> Records => new()
    {
        {
            """{"Last_Name":"Plain","Company":"a,b","Notes":"line1\nline2","Title":"say \"hi\"","Score":42,"Amount":-12.50,"Active":true}""",
            ["Plain", "a,b", "line1\nline2", "say \"hi\"", "42", "-12.50", "true"]
        },
        {
            """{"Last_Name":"=1+2","Company":"'=already","Notes":"''@x","Title":"'plain","Score":-5,"Active":false}""",
            ["'=1+2", "''=already", "'''@x", "'plain", "-5", null, "false"]
        },
        {
            """{"Last_Name":"-minus","Company":"\tTab","Notes":"\rCR alone","Title":"@at","Amount":0.001}""",
            ["'-minus", "'\tTab", "'\rCR alone", "'@at", null, "0.001", null]
        },
        {
            """{"Active":null,"Notes":["a"],"Title":{"x":1},"Company":"","Last_Name":"'''"}""",
            ["'''", null, null, null, null, null, null]
        },
        {
            // Escaped and unescaped UTF-8, spaces a spreadsheet would trim, a later duplicate key, an unknown field.
            """{"Last_Name":"日本語 ✓ 🎉","Company":" spaced ","Notes":"crlf\r\ninside, \"q\"\n","Title":"\u00e9\u3042\\","Unknown":"x","Last_Name":"second"}""",
            ["second", " spaced ", "crlf\r\ninside, \"q\"\n", "éあ\\", null, null, null]
        },
        { "{}", [null, null, null, null, null, null, null] },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void EachStoredValueReadsBackAsItsNeutralizedCell(string json, string?[] expected)
    {
        var csv = new Utf8CsvWriter();
        csv.Cell("id-1");
        new RecordCsvEncoder(Fields).Write(Encoding.UTF8.GetBytes(json), csv);
        csv.Cell(ReadOnlySpan<byte>.Empty);
        csv.EndRow();

        Assert.Equal<string?[]>(["id-1", .. expected, null], ReadOnlyRow(csv.Written.Span));
    }

    [Fact]
    public void ACellLongerThanTheBufferAndFullOfQuotesIsWrittenWhole()
    {
        var value = string.Concat(Enumerable.Repeat("\"x,", 50_000));
        var csv = new Utf8CsvWriter();
        new RecordCsvEncoder(["Notes"]).Write(Encoding.UTF8.GetBytes($$"""{"Notes":"{{value.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}"""), csv);
        csv.Cell("after");
        csv.EndRow();

        Assert.Equal<string?[]>([value, "after"], ReadOnlyRow(csv.Written.Span));
    }

    [Fact]
    public void AStoredRecordThatIsNotAnObjectIsRefused()
    {
        Assert.Throws<InvalidDataException>(() => new RecordCsvEncoder(Fields).Write("[1]"u8, new Utf8CsvWriter()));
    }

    /// <summary>The one record in <paramref name="bytes"/>, read by CsvHelper (empty cells as null), and nothing after it.</summary>
    private static string?[] ReadOnlyRow(ReadOnlySpan<byte> bytes)
    {
        Assert.True(bytes.EndsWith("\r\n"u8));
        using var parser = new CsvParser(new StringReader(Encoding.UTF8.GetString(bytes)), CultureInfo.InvariantCulture);
        Assert.True(parser.Read());
        var row = parser.Record!.Select(c => c.Length == 0 ? null : c).ToArray();
        Assert.False(parser.Read());
        return row;
    }
}
