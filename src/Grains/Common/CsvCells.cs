namespace CrmActors.Grains.Common;

public static class CsvCells
{
    /// <summary>
    /// Neutralizes a cell a spreadsheet would run as a formula (leading = + - @ tab or CR) by
    /// prefixing a single quote, the OWASP recommendation for CSV injection.
    /// </summary>
    public static string? Neutralize(string? cell) =>
        cell is { Length: > 0 } && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;

    /// <summary>
    /// The data row a CSV reader is on, counted as every CSV message counts: 1 is the first row after the header.
    /// (CsvHelper's own row number counts the header.)
    /// </summary>
    public static int DataRow(CsvHelper.CsvContext? context) => Math.Max(0, (context?.Parser?.Row ?? 1) - 1);
}
