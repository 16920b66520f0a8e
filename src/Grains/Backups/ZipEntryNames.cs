namespace CrmActors.Grains.Backups;

/// <summary>Entry names a restore accepts: relative, forward slashes, no "." or ".." segments, no drive letter, no control characters.</summary>
public static class ZipEntryNames
{
    public static bool IsSafe(string name) =>
        name.Length is > 0 and <= 1024
        && name[0] != '/'
        && !name.Contains('\\')
        && !(name.Length > 1 && name[1] == ':')
        && !name.Any(char.IsControl)
        && name.TrimEnd('/').Split('/').All(segment => segment is { Length: > 0 } and not "." and not "..");
}
