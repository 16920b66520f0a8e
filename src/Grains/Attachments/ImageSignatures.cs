namespace CrmActors.Grains.Attachments;

/// <summary>Recognizes images by their first bytes, not by the name or content type the client sent.</summary>
public static class ImageSignatures
{
    /// <summary>How many leading bytes <see cref="IsImage"/> needs to decide.</summary>
    public const int HeaderBytes = 16;

    public static bool IsImage(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)
        || (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8));
}
