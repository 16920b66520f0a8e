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

    /// <summary>True for loopback, RFC 1918, CGNAT, link-local, unique-local, multicast and unspecified addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
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
}
