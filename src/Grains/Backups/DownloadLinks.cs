using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Backups;

/// <summary>What a signed download link grants: one file of one backup of one org, until a time.</summary>
public sealed record DownloadGrant(string OrgId, string BackupId, string File, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs and checks download tokens with HMAC-SHA256. The key is <c>Backups:SigningKey</c>, or else one
/// generated once and kept in the database encrypted with the Data Protection key ring (which lives beside the
/// blobs, not in the database), so every node of a cluster accepts every node's links and a database dump alone
/// cannot mint one.
/// </summary>
public sealed class DownloadLinks(IDatabase database, IOptions<BackupOptions> options, TimeProvider clock, IDataProtectionProvider protection)
{
    private const string KeyName = "download-signing";

    /// <summary>Marks a stored key as protected; a stored value without it is a key an earlier build kept in plain text.</summary>
    private const string ProtectedPrefix = "dp1:";

    private readonly IDataProtector _protector = protection.CreateProtector("crmactors.backups.download-signing-key");
    private byte[]? _key;

    public async Task<string> CreateTokenAsync(DownloadGrant grant)
    {
        var payload = Encoding.UTF8.GetBytes(string.Join('\n', "v1", grant.OrgId, grant.BackupId, grant.File,
            grant.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        var signature = HMACSHA256.HashData(await KeyAsync(), payload);
        return Base64Url(payload) + "." + Base64Url(signature);
    }

    /// <summary>The grant of a well-signed token (expired or not: the caller answers 410 for those), else null.</summary>
    public async Task<DownloadGrant?> VerifyAsync(string token)
    {
        var key = await KeyAsync();
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryDecode(token[..dot], out var payload) || !TryDecode(token[(dot + 1)..], out var signature)
            || !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, payload)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('\n');
        return parts is ["v1", var org, var backup, var file, var expires] && long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? new DownloadGrant(org, backup, file, DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : null;
    }

    private async Task<byte[]> KeyAsync()
    {
        if (_key is not null)
        {
            return _key;
        }

        if (options.Value.SigningKey is { Length: > 0 } configured)
        {
            return _key = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        }

        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO backup_keys (name, value, created_at) VALUES (@KeyName, @value, @now) ON CONFLICT (name) DO NOTHING",
            new { KeyName, value = Protect(RandomNumberGenerator.GetBytes(32)), now = UnixTime.Ms(clock.GetUtcNow()) });
        var stored = await connection.QuerySingleAsync<string>("SELECT value FROM backup_keys WHERE name = @KeyName", new { KeyName });
        if (stored.StartsWith(ProtectedPrefix, StringComparison.Ordinal))
        {
            return _key = _protector.Unprotect(Convert.FromBase64String(stored[ProtectedPrefix.Length..]));
        }

        // A key from before encryption at rest: keep it (links already sent stay valid) and store it protected.
        var legacy = Convert.FromBase64String(stored);
        await connection.ExecuteAsync("UPDATE backup_keys SET value = @value WHERE name = @KeyName AND value = @stored", new { KeyName, value = Protect(legacy), stored });
        return _key = legacy;
    }

    private string Protect(byte[] key) => ProtectedPrefix + Convert.ToBase64String(_protector.Protect(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string text, out byte[] bytes)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
