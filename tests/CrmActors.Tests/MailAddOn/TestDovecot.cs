using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CrmActors.Grains.MailAddOn.Pop3;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace CrmActors.Tests.MailAddOn;

/// <summary>
/// The Dovecot POP3 server scripts/dovecot.sh started (CRM_TEST_POP3_*). Its users are alice (seeded,
/// never changed by tests), latest and resume (tests add messages) and bench; each password is "{user}-secret".
/// </summary>
public static class TestDovecot
{
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable("CRM_TEST_POP3_HOST") is null && Environment.GetEnvironmentVariable("CI") != "true"
            ? "CRM_TEST_POP3_HOST is not set: `source scripts/dovecot.sh` (or run scripts/test.sh) to start the Dovecot these tests use."
            : null;

    public static string Host => Required("CRM_TEST_POP3_HOST");

    public static int Port => int.Parse(Required("CRM_TEST_POP3_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static int TlsPort => int.Parse(Required("CRM_TEST_POP3_TLS_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static Pop3Mailbox Mailbox(string user, Pop3Tls tls = Pop3Tls.None, string? password = null) =>
        new($"test-{user}", Host, tls == Pop3Tls.ImplicitTls ? TlsPort : Port, tls, user, password ?? $"{user}-secret");

    /// <summary>The maildir "new" folder of <paramref name="user"/>, where a test drops a message as a delivery agent would.</summary>
    public static string NewFolder(string user) => Path.Combine(Required("CRM_TEST_POP3_MAILDIRS"), user, "Maildir", "new");

    /// <summary>Delivers <paramref name="raw"/> into the user's Maildir, readable by Dovecot's mail user.</summary>
    public static void Deliver(string user, string raw)
    {
        var name = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.test{Guid.NewGuid():N}.crm";
        var temp = Path.Combine(Path.GetDirectoryName(NewFolder(user))!, "tmp", name);
        File.WriteAllText(temp, raw.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.Move(temp, Path.Combine(NewFolder(user), name));
    }

    /// <summary>Accepts exactly the test server's self-signed certificate and nothing else.</summary>
    public static RemoteCertificateValidationCallback PinnedCertificate()
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Required("CRM_TEST_POP3_CERT")));
        var pinned = certificate.GetCertHash();
        return (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(pinned);
    }

    /// <summary>A plain MailKit session, independent of the code under test, to see what the server holds.</summary>
    public static async Task<Pop3Client> ConnectPlainAsync(string user)
    {
        var client = new Pop3Client();
        await client.ConnectAsync(Host, Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, $"{user}-secret");
        return client;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, or `source scripts/dovecot.sh` first, which starts Dovecot.");
}

/// <summary>A test that needs the Dovecot server; skipped (with the reason) only outside CI when it is not running.</summary>
public sealed class Pop3FactAttribute : FactAttribute
{
    public Pop3FactAttribute()
    {
        if (TestDovecot.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

public sealed class Pop3TheoryAttribute : TheoryAttribute
{
    public Pop3TheoryAttribute()
    {
        if (TestDovecot.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
