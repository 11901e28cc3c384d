using Unikernel.Net.Wire;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// The network stack's packet views, checksums and interface, printed one "name value" line
/// per result. Compiled into the NetProbe image (our corelib, ARMv7 and AArch64) and into the
/// host tests (the BCL): every line must match. A probe of its own so each fits the 32 KiB
/// the boot ROM loads.
/// </summary>
public static class NetChecks<TConsole> where TConsole : IConsole
{
    private static ReadOnlySpan<byte> Pattern => [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04];

    /// <summary>Prints every check; returns the interface it made, for the probe's allocation check.</summary>
    public static Unikernel.Net.NetworkInterface Run()
    {
        Span<byte> packet = stackalloc byte[64];
        packet.Fill(0xAA);
        var ping = Ipv4Packet.Emit(packet, new Ipv4Address(169, 254, 0, 1), new Ipv4Address(169, 254, 0, 2), IpProtocol.Icmp, 12, 64);
        Icmpv4Packet.EmitEcho(ping.Payload, Icmpv4Type.EchoRequest, 0x1234, 7, "ping"u8);
        Hex("ipv4-echo", packet.Slice(0, 32));
        Line("ipv4-check", Ipv4Packet.Check(packet.Slice(0, 32), out var reason) ? 1UL : 100UL + (ulong)reason);
        Line("icmp-check", Icmpv4Packet.Check(ping.Payload, out reason) ? 1UL : 100UL + (ulong)reason);
        packet[20] ^= 0x40;
        Line("icmp-corrupt", Icmpv4Packet.Check(packet.Slice(20, 12), out reason) ? 1UL : 100UL + (ulong)reason);
        Line("checksum", InternetChecksum.Compute(Pattern));
        Span<byte> text = stackalloc byte[Ipv6Address.MaxFormattedLength];
        var address = new Ipv6Address(0xFE80_0000_0000_0000, 0x5054_00FF_FE12_3456);
        Line("ipv6-format", address.TryFormat(text, out int written) ? (ulong)written : 0UL);
        Hex("ipv6-text", text.Slice(0, written));

        // The interface answers an ARP request for its address.
        var ours = new MacAddress(0x02_00_5E_77_00_02UL);
        var theirs = new MacAddress(0x02_00_5E_77_00_01UL);
        var stack = NewInterface(ours);
        Span<byte> frame = stackalloc byte[60];
        Span<byte> reply = stackalloc byte[1514];
        ArpRequest(frame, theirs);
        int length = stack.Process(frame, reply);
        Line("arp-reply-length", (ulong)length);
        Hex("arp-reply", reply.Slice(0, length));
        Line("link-local-length", stack.LinkLocalAddress.TryFormat(text, out written) ? (ulong)written : 0UL);
        Hex("link-local", text.Slice(0, written));
        Line("interface-received", stack.Counters.Received + 10 * stack.Counters.Replied);
        return stack;
    }

    /// <summary>
    /// The interface with the smallest pools (one socket of one datagram, one frame waiting, no
    /// fragment buffers: each is 64 KiB by default): the probe's heap is 8 KiB of SRAM. Features
    /// follow the image (NetProbeFeatures.cs).
    /// </summary>
    public static Unikernel.Net.NetworkInterface NewInterface(MacAddress mac)
    {
        var configuration = Unikernel.Net.NetworkConfiguration.WithStaticIpv4(new Ipv4Address(169, 254, 77, 2), 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.UdpSockets = 1;
        configuration.UdpQueueDepth = 1;
        configuration.TransmitQueueDepth = 1;
        configuration.ReassemblyBuffers = 0;
        configuration.LargestDatagram = 0;
        return new Unikernel.Net.NetworkInterface(mac, configuration);
    }

    /// <summary>An ARP request from <paramref name="theirs"/> (169.254.77.1) for 169.254.77.2.</summary>
    public static void ArpRequest(Span<byte> frame, MacAddress theirs)
    {
        frame.Clear();
        var ethernet = EthernetFrame.Emit(frame, new MacAddress(0xFFFF_FFFF_FFFFUL), theirs, EtherType.Arp);
        ArpPacket.Emit(ethernet.Payload, ArpOperation.Request, theirs, new Ipv4Address(169, 254, 77, 1), default, new Ipv4Address(169, 254, 77, 2));
    }

    private static void Line(string name, ulong value) => ProbeLines<TConsole>.Line(name, value);

    private static void Hex(string name, ReadOnlySpan<byte> bytes) => ProbeLines<TConsole>.Hex(name, bytes);
}
