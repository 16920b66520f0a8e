using System.Net;
using System.Net.Sockets;
using CrmActors.Grains.Outbound;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace CrmActors.Grains.MailAddOn.Pop3;

/// <summary>
/// Opens an authenticated POP3 session: the host is resolved and checked once by
/// <see cref="OutboundTargets"/>, and MailKit is handed a socket already connected to that address,
/// so a DNS answer that changes between check and connect (rebinding) cannot redirect it.
/// </summary>
internal static class Pop3Session
{
    public static async Task<Pop3Client> OpenAsync(OutboundTargets targets, Pop3Mailbox mailbox, Pop3FetchOptions options, ServerReplyRecorder recorder, CancellationToken cancellationToken)
    {
        var address = await targets.ResolveAsync(mailbox.Host, cancellationToken);
        var timeout = (int)options.CommandTimeout.TotalMilliseconds;
        var client = new Pop3Client(recorder) { Timeout = timeout, CheckCertificateRevocation = options.ServerCertificateValidation is null };
        if (options.ServerCertificateValidation is { } validate)
        {
            client.ServerCertificateValidationCallback = validate;
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = timeout, SendTimeout = timeout };
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, mailbox.Port), connect.Token);
                await client.ConnectAsync(socket, mailbox.Host, mailbox.Port, SocketOptions(mailbox.Tls), connect.Token);
            }
            catch (Exception) when (connect.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new MailboxFetchException(MailboxFetchFailure.Timeout,
                    $"The POP3 server {mailbox.Host}:{mailbox.Port} did not connect and greet within {options.ConnectTimeout.TotalSeconds:0.#} s.");
            }

            await client.AuthenticateAsync(mailbox.Login, mailbox.Password, cancellationToken);
            recorder.Recording = false;
            return client;
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private static SecureSocketOptions SocketOptions(Pop3Tls tls) => tls switch
    {
        Pop3Tls.ImplicitTls => SecureSocketOptions.SslOnConnect,
        Pop3Tls.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };
}
