using System.Security.Cryptography;

namespace CrmActors.Grains.Common;

public static class Ids
{
    /// <summary>A platform-wide unique, time-ordered ID (UUIDv7 as 32 hex digits).</summary>
    public static string New() => Guid.CreateVersion7().ToString("N");

    /// <summary>True for strings that could be one of our IDs; anything else cannot name a record.</summary>
    public static bool IsWellFormed(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>A bearer secret: 32 random bytes, URL-safe.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
