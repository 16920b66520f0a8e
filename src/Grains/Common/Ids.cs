using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace CrmActors.Grains.Common;

public static class Ids
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly Lock Gate = new();
    private static long _lastMs;
    private static int _counter;

    /// <summary>
    /// A platform-wide unique, time-ordered ID: a UUIDv7 as 32 hex digits whose 12-bit sub-millisecond
    /// field is a counter (RFC 9562, method 1), so IDs made by one node sort in creation order.
    /// </summary>
    public static string New()
    {
        long ms;
        int counter;
        lock (Gate)
        {
            ms = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _lastMs);
            if (ms == _lastMs && ++_counter > 0xFFF)
            {
                ms++;
                _counter = 0;
            }
            else if (ms != _lastMs)
            {
                _counter = 0;
            }

            _lastMs = ms;
            counter = _counter;
        }

        Span<byte> bytes = stackalloc byte[16];
        // Record IDs are not secrets (every access is authorized), so a fast generator fills the random bits.
        Random.Shared.NextBytes(bytes[8..]);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>True for strings that could be one of our IDs; anything else cannot name a record.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? id) => id is { Length: 32 } && !id.AsSpan().ContainsAnyExcept(LowerHex);

    /// <summary>A bearer secret: 32 random bytes, URL-safe.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
