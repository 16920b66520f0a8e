using System.Text;
using MailKit;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>
/// MailKit protocol logger that keeps only the server's last <c>-ERR</c> line, because MailKit's
/// <c>AuthenticationException</c> drops the server's reason. Client lines (which carry the password)
/// are never looked at; recording stops once logged in so message bodies are not scanned.
/// </summary>
internal sealed class ServerReplyRecorder : IProtocolLogger
{
    private const int MaxReasonLength = 300;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    public bool Recording { get; set; } = true;

    public string? LastError { get; private set; }

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        if (!Recording)
        {
            return;
        }

        var text = Encoding.UTF8.GetString(buffer, offset, Math.Min(count, 4096));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("-ERR", StringComparison.Ordinal))
            {
                var clean = new string(line.TrimEnd('\r').Select(c => char.IsControl(c) ? ' ' : c).ToArray());
                LastError = clean.Length > MaxReasonLength ? clean[..MaxReasonLength] : clean;
            }
        }
    }

    public void Dispose()
    {
    }
}
