namespace CrmActors.Grains.Migrations;

/// <summary>
/// One module's CSV inside an uploaded file: the file itself for a CSV upload, or a top-level
/// entry of a ZIP upload (<see cref="Entry"/> is then its entry name).
/// </summary>
public sealed record MigrationSourcePart(string FileName, string? Entry, string Module)
{
    /// <summary>How refusals and reports name the part: "tickets.csv" or "export.zip/tickets.csv".</summary>
    public string Label => Entry is null ? FileName : $"{FileName}/{Entry}";
}
