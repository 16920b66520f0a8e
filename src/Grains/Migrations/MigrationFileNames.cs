using CrmActors.Grains.Common;

namespace CrmActors.Grains.Migrations;

/// <summary>Names of uploaded migration files: a plain file name, never a path.</summary>
public static class MigrationFileNames
{
    public const int MaxLength = 255;

    /// <summary>True for a plain file name: no '/', '\', "..", ':' (a drive or stream), control characters, and not only dots or spaces.</summary>
    public static bool IsPlain(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && name.IndexOfAny(['/', '\\', ':']) < 0
        && !name.Contains("..", StringComparison.Ordinal)
        && !name.Any(char.IsControl)
        && name.Trim().Trim('.').Length > 0;

    /// <summary>The name unchanged, or a 400 saying what a file name may hold.</summary>
    public static string RequirePlain(string? name) =>
        IsPlain(name) ? name! : throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFileName,
            $"'{Printable(name)}' is not a plain file name; use a name such as tickets.csv without '/', '\\', ':', '..' or control characters, at most {MaxLength} characters.");

    internal static string Printable(string? name) =>
        name is null ? "" : new string([.. name.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
}
