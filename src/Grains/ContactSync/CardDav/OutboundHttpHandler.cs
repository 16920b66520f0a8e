using System.Net;
using System.Net.Sockets;
using CrmActors.Grains.Outbound;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>
/// The HTTP handler for CardDAV requests: every connection goes to the address
/// <see cref="OutboundTargets.ResolveAsync"/> approved, resolved once per connection inside
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, so a DNS answer that changes after the check
/// (rebinding) is never used. No proxy (it would connect elsewhere), no cookies, no automatic
/// redirects (the client follows them itself, keeping credentials on the same origin only).
/// </summary>
public static class OutboundHttpHandler
{
    public static SocketsHttpHandler Create(OutboundTargets targets, TimeSpan connectTimeout) => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var address = await targets.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
