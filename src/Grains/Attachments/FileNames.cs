using System.Text.RegularExpressions;

namespace CrmActors.Grains.Attachments;

/// <summary>
/// What a stored file may be called and typed as, whoever sent it (an upload, or a backup's <c>files.csv</c>):
/// a plain name with no folders, no control characters and at most 255 characters; a bare <c>type/subtype</c>.
/// </summary>
public static partial class FileNames
{
    public const string DefaultName = "file";
    public const string DefaultContentType = "application/octet-stream";

    public static string Safe(string? name)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/')).Trim();
        file = new string([.. file.Where(c => !char.IsControl(c))]);
        return file.Length is 0 or > 255 || file is "." or ".." ? DefaultName : file;
    }

    public static string SafeContentType(string? contentType) =>
        contentType?.Trim().ToLowerInvariant() is { } type && MediaType().IsMatch(type) ? type : DefaultContentType;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")]
    private static partial Regex MediaType();
}
