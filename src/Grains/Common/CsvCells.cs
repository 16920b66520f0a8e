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

    /// <summary>
    /// The longest cell a CSV we read may hold, in characters (a textarea holds 32,000). Without it a quote opened and never
    /// closed reads the rest of the file into one cell in memory, several times the file's size.
    /// </summary>
    public const int MaxCellChars = 1 << 20;

    public static string TooLong => $"a cell is longer than {MaxCellChars:N0} characters (most likely a quote opened and never closed)";

    /// <summary>Reads the next row; a cell longer than <see cref="MaxCellChars"/> becomes <paramref name="tooLong"/>'s exception, given the data row.</summary>
    public static async Task<bool> ReadAsync(CsvHelper.CsvReader csv, Func<int, Exception> tooLong)
    {
        try
        {
            return await csv.ReadAsync();
        }
        catch (CsvHelper.MaxFieldSizeException e)
        {
            throw tooLong(DataRow(e.Context));
        }
    }
}
