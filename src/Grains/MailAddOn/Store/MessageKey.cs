using System.Buffers.Text;
using System.Text;

namespace CrmActors.Grains.MailAddOn.Store;

/// <summary>
/// A message's identity within one mailbox: its POP3 UIDL when the server has UIDL, else the SHA-256
/// of its bytes. The value is what a checkpoint persists; <see cref="FileName"/> is safe on any file system.
/// </summary>
public readonly record struct MessageKey
{
    private const string UidlPrefix = "uidl:";
    private const string HashPrefix = "sha256:";

    private MessageKey(string value) => Value = value;

    public string Value { get; }

    public bool IsUidl => Value.StartsWith(UidlPrefix, StringComparison.Ordinal);

    /// <summary>UIDL values are 1–70 printable ASCII characters (RFC 1939 §7) and compared byte for byte.</summary>
    public static MessageKey FromUidl(string uidl)
    {
        if (uidl.Length is 0 or > 70 || uidl.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("A UIDL is 1 to 70 printable ASCII characters.", nameof(uidl));
        }

        return new MessageKey(UidlPrefix + uidl);
    }

    public static MessageKey FromSha256(string hex) =>
        hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower)
            ? new MessageKey(HashPrefix + hex)
            : throw new ArgumentException("A SHA-256 is 64 lower-case hex digits.", nameof(hex));

    /// <summary>Reads a persisted <see cref="Value"/> back, validating it.</summary>
    public static MessageKey Parse(string value) =>
        value.StartsWith(UidlPrefix, StringComparison.Ordinal) ? FromUidl(value[UidlPrefix.Length..])
        : value.StartsWith(HashPrefix, StringComparison.Ordinal) ? FromSha256(value[HashPrefix.Length..])
        : throw new FormatException($"'{value}' is not a message key (uidl:… or sha256:…).");

    /// <summary>UIDLs may hold '/', '.' or case-only differences, so they are base64url-encoded: reversible and distinct.</summary>
    public string FileName => IsUidl
        ? "u-" + Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Value[UidlPrefix.Length..])) + ".eml"
        : "h-" + Value[HashPrefix.Length..] + ".eml";

    public static MessageKey FromFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        return stem.StartsWith("u-", StringComparison.Ordinal)
            ? FromUidl(Encoding.ASCII.GetString(Base64Url.DecodeFromChars(stem.AsSpan(2))))
            : stem.StartsWith("h-", StringComparison.Ordinal) ? FromSha256(stem[2..])
            : throw new FormatException($"'{fileName}' is not a stored message file.");
    }

    public override string ToString() => Value;
}
