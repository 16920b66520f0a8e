using System.Net;
using CrmActors.Grains.Outbound;

namespace CrmActors.Tests.Reliability;

/// <summary>Which addresses the outbound guard (POP3, CardDAV) treats as private, IPv6 forms that carry an IPv4 address included.</summary>
public sealed class OutboundAddressTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.5")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.5")]      // mapped
    [InlineData("::127.0.0.1")]          // compatible
    [InlineData("::ffff:0:10.0.0.5")]    // SIIT-translated
    [InlineData("64:ff9b::a00:5")]       // NAT64 of 10.0.0.5
    [InlineData("64:ff9b::a9fe:a9fe")]   // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::808:808")]   // local-use NAT64: what it reaches is the network's choice
    [InlineData("2002:a00:5::1")]        // 6to4 of 10.0.0.5
    [InlineData("2001:0:4136:e378::1")]  // Teredo
    public void APrivateAddressInAnyFormIsPrivate(string address) => Assert.True(OutboundTargets.IsPrivate(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]     // NAT64 of 8.8.8.8: how an IPv6-only host reaches a public IPv4 server
    [InlineData("2002:808:808::1")]
    [InlineData("2606:4700:4700::1111")]
    public void APublicAddressInAnyFormIsNot(string address) => Assert.False(OutboundTargets.IsPrivate(IPAddress.Parse(address)), address);
}
