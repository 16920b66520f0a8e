using System.Net;
using System.Net.Sockets;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Outbound;

/// <summary>
/// Where the product may open outbound connections (POP3 and CardDAV servers). A host that resolves
/// to a loopback, private, link-local, unique-local or unspecified address is refused unless
/// <c>Outbound:AllowPrivateNetworks</c> is true, so an admin cannot make a silo probe its own network (SSRF).
/// Callers connect to the address returned here, never re-resolve the name, so DNS rebinding cannot
/// swap the checked address for another.
/// </summary>
public sealed class OutboundTargets(bool allowPrivateNetworks)
{
    public bool AllowPrivateNetworks => allowPrivateNetworks;

    /// <summary>Resolves <paramref name="host"/> and returns its first allowed address, or throws a 400 problem naming the rule.</summary>
    public async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            throw ProblemException.Validation("host", "The host is empty; give a host name or address.");
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw ProblemException.Validation("host", $"The host '{host}' could not be resolved ({e.SocketErrorCode}); check its name.");
        }

        if (addresses.Length == 0)
        {
            throw ProblemException.Validation("host", $"The host '{host}' has no address; check its name.");
        }

        if (allowPrivateNetworks)
        {
            return addresses[0];
        }

        // Every address must be public: a name that also resolves to a private one is refused whole.
        if (addresses.FirstOrDefault(IsPrivate) is { } blocked)
        {
            throw new ProblemException(400, ProblemCodes.OutboundBlocked,
                $"The host '{host}' resolves to {blocked}, a loopback, private or link-local address; outbound connections there are refused unless Outbound__AllowPrivateNetworks is true.",
                new Dictionary<string, object?> { ["field"] = "host" });
        }

        return addresses[0];
    }

    /// <summary>
    /// True for loopback, RFC 1918, CGNAT, link-local, unique-local, multicast and unspecified addresses, and for an
    /// IPv6 address that carries one of those IPv4 addresses (mapped, compatible, SIIT-translated, NAT64, 6to4). Local
    /// NAT64 (64:ff9b:1::/48) and Teredo (2001::/32) are refused outright: what they reach cannot be told from the address.
    /// </summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedIPv4(address.GetAddressBytes()) is var (embedded, opaque))
        {
            if (opaque)
            {
                return true;
            }

            address = embedded!;
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,
                169 => b[1] == 254,
                172 => b[1] is >= 16 and <= 31,
                192 => b[1] == 168 || (b[1] == 0 && b[2] == 0),
                198 => b[1] is 18 or 19,
                >= 224 => true,
                _ => false,
            };
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
    }

    // The IPv4 address an IPv6 address stands for, or opaque when it reaches one the address does not show.
    private static (IPAddress? IPv4, bool Opaque)? EmbeddedIPv4(byte[] b)
    {
        bool Zero(int from, int to) => b.AsSpan(from, to - from).IndexOfAnyExcept((byte)0) < 0;
        IPAddress Last32() => new(b.AsSpan(12, 4));
        return b switch
        {
            _ when Zero(0, 10) && b[10] == 0xff && b[11] == 0xff => (Last32(), false),                   // ::ffff:a.b.c.d (mapped)
            _ when Zero(0, 12) && !Zero(12, 16) && !(Zero(12, 15) && b[15] <= 1) => (Last32(), false),   // ::a.b.c.d (compatible), not :: or ::1
            _ when Zero(0, 8) && b[8] == 0xff && b[9] == 0xff && Zero(10, 12) => (Last32(), false),      // ::ffff:0:a.b.c.d (SIIT)
            [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => (Last32(), false),                   // 64:ff9b::/96 (NAT64)
            [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, ..] => (null, true),                                    // 64:ff9b:1::/48 (local NAT64)
            [0x20, 0x02, ..] => (new IPAddress(b.AsSpan(2, 4)), false),                                  // 2002:a.b.c.d::/48 (6to4)
            [0x20, 0x01, 0x00, 0x00, ..] => (null, true),                                                // 2001::/32 (Teredo)
            _ => null,
        };
    }
}
