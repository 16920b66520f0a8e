using System.Net.Sockets;
using CrmActors.Grains.Common;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>Turns what MailKit, sockets and the outbound check throw into one <see cref="MailboxFetchException"/>.</summary>
internal static class FetchFailures
{
    /// <param name="connected">Whether the connection is still up.</param>
    /// <param name="loggedIn">Whether the session got past the login: a connection lost after it is the network's or the server's hiccup, not a server that is not POP3.</param>
    public static MailboxFetchException? Translate(Exception exception, Pop3Mailbox mailbox, string? lastServerError, bool connected, bool loggedIn)
    {
        var server = $"{mailbox.Host}:{mailbox.Port}";
        var failure = exception switch
        {
            MailboxFetchException known => known,
            ProblemException refused =>
                new MailboxFetchException(refused.Code == ProblemCodes.OutboundBlocked ? MailboxFetchFailure.TargetRefused : MailboxFetchFailure.Unreachable,
                    refused.Message, null, refused),
            _ when Chain(exception).Any(e => e is TimeoutException) =>
                new MailboxFetchException(MailboxFetchFailure.Timeout, $"The POP3 server {server} stopped answering (no reply within the command timeout).", null, exception),
            AuthenticationException =>
                new MailboxFetchException(MailboxFetchFailure.Authentication,
                    $"The POP3 server {server} refused the login of '{mailbox.Login}': {lastServerError ?? exception.Message}", lastServerError, exception),
            SslHandshakeException =>
                new MailboxFetchException(MailboxFetchFailure.Tls, $"The TLS handshake with {server} failed: {FirstLine(exception.Message)}", null, exception),
            NotSupportedException when mailbox.Tls == Pop3Tls.StartTls =>
                new MailboxFetchException(MailboxFetchFailure.Tls, $"The POP3 server {server} does not offer STLS; choose implicit TLS or no TLS.", null, exception),
            Pop3CommandException command =>
                new MailboxFetchException(MailboxFetchFailure.ServerError, $"The POP3 server {server} answered an error: {command.StatusText}", command.StatusText, exception),
            Pop3ProtocolException or IOException when loggedIn && !connected =>
                new MailboxFetchException(MailboxFetchFailure.Unreachable,
                    $"The POP3 server {server} closed the connection in the middle of the session ({exception.Message.TrimEnd('.')}); the next attempt resumes after the last stored message.", null, exception),
            Pop3ProtocolException =>
                new MailboxFetchException(MailboxFetchFailure.Protocol, $"The server {server} does not speak POP3: {exception.Message}", null, exception),
            SocketException socket =>
                new MailboxFetchException(MailboxFetchFailure.Unreachable, $"The POP3 server {server} could not be reached ({socket.SocketErrorCode}).", null, exception),
            IOException when !connected =>
                new MailboxFetchException(MailboxFetchFailure.Unreachable, $"The connection to {server} was lost: {exception.Message}", null, exception),
            _ => null,
        };

        return failure is null ? null : Scrub(failure, mailbox.Password);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>Belt and braces: a server that echoes the PASS line must not put the password into a status or log.</summary>
    private static MailboxFetchException Scrub(MailboxFetchException failure, string password) =>
        password.Length == 0 || (!failure.Message.Contains(password, StringComparison.Ordinal) && failure.ServerReason?.Contains(password, StringComparison.Ordinal) != true)
            ? failure
            : new MailboxFetchException(failure.Failure, failure.Message.Replace(password, "***", StringComparison.Ordinal),
                failure.ServerReason?.Replace(password, "***", StringComparison.Ordinal));
}
