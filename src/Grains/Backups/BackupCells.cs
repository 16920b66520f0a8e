using CrmActors.Grains.Common;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Formula neutralization that a restore can undo exactly: a cell that is dangerous once leading
/// apostrophes are skipped gets one more apostrophe, so "=1" → "'=1" and "'=1" → "''=1", and removing
/// one apostrophe from such cells gives back the original value.
/// </summary>
public static class BackupCells
{
    public static string Neutralize(string cell)
    {
        var start = LeadingApostrophes(cell);
        return start == 0 ? CsvCells.Neutralize(cell)! : IsDangerous(cell, start) ? "'" + cell : cell;
    }

    public static string Restore(string cell)
    {
        var start = LeadingApostrophes(cell);
        return start > 0 && IsDangerous(cell, start) ? cell[1..] : cell;
    }

    private static int LeadingApostrophes(string cell)
    {
        var i = 0;
        while (i < cell.Length && cell[i] == '\'')
        {
            i++;
        }

        return i;
    }

    private static bool IsDangerous(string cell, int at) => at < cell.Length && cell[at] is '=' or '+' or '-' or '@' or '\t' or '\r';
}
