namespace CrmActors.Grains.Migrations;

/// <summary>One data row of a source file: its 1-based row number (the header is row 1, as a spreadsheet shows it) and its cells, empty ones as null.</summary>
public sealed record SourceRow(long Row, string?[] Cells);
