using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;

namespace CrmActors.Tests.Migrations;

/// <summary>A report ZIP read back: entry names in order, and each module's lines.</summary>
public sealed record ReportZip(IReadOnlyList<string> Entries, IReadOnlyDictionary<string, IReadOnlyList<string[]>> Lines, IReadOnlyDictionary<string, byte[]> Raw)
{
    public static ReportZip Read(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var lines = new Dictionary<string, IReadOnlyList<string[]>>();
        var raw = new Dictionary<string, byte[]>();
        foreach (var entry in zip.Entries)
        {
            using var copy = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(copy);
            }

            raw[entry.FullName] = copy.ToArray();
            using var csv = new CsvReader(new StreamReader(new MemoryStream(copy.ToArray()), Encoding.UTF8), CultureInfo.InvariantCulture);
            var rows = new List<string[]>();
            while (csv.Read())
            {
                rows.Add(csv.Parser.Record!);
            }

            lines[Path.GetFileNameWithoutExtension(entry.FullName)] = rows;
        }

        return new ReportZip([.. zip.Entries.Select(e => e.FullName)], lines, raw);
    }

    /// <summary>The line of a source ID in a module's report (header excluded): source_id, new_id, status, error.</summary>
    public string[] Line(string module, string sourceId) => Lines[module].Skip(1).Single(l => l[0] == sourceId);
}
