using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Unikernel.Net;
using Unikernel.Net.Wire;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// `unikernel hoststack`: the network stack of the boards, running on a Linux TAP interface,
/// so Linux's own stack can test it: addresses from SLAAC and DHCP, ping, ping6, UDP echo on
/// port 7, drops logged with their reason. Ctrl-C or SIGTERM stops it and prints the counters.
/// </summary>
public static class HostStackCommand
{
    /// <summary>The echo service's port (RFC 862).</summary>
    public const ushort EchoPort = 7;

    /// <summary>The discard service's port (RFC 863).</summary>
    public const ushort DiscardPort = Unikernel.Netboot.DiscardService<DiscardLog>.Port;

    /// <summary>The port of the kernel upload service: a stream in, its length and SHA-256 out.</summary>
    public const ushort UploadPort = Unikernel.Netboot.NetbootService<DiscardedPayload, UploadLog>.Port;

    /// <summary>The longest the loop sleeps, so a stop request is seen promptly.</summary>
    private const int MaximumSleepMilliseconds = 200;

    public static int Run(HostStackOptions options)
    {
        var mac = options.Mac is null ? DefaultMac(options.Tap) : ParseMac(options.Mac);
        var configuration = Configure(options.Ipv4);
        if (options.Mtu != 0 && options.Mtu is < Ipv6Packet.MinimumMtu or > NetworkInterface.EthernetMtu)
            throw new ArgumentException($"--mtu must be {Ipv6Packet.MinimumMtu} to {NetworkInterface.EthernetMtu}, not {options.Mtu}");
        configuration.LinkMtu = options.Mtu;
        var stack = new NetworkInterface(mac, configuration);
        if (!stack.Udp.TryBind(EchoPort, out UdpHandle echo))
            throw new InvalidOperationException("cannot bind the UDP echo port");
        var services = new TcpServices(stack, configuration.TcpConnections, Say, options.HashUploads);
        var source = options.SendBytes is { } bytes ? new StreamSource(stack, bytes, Say) : null;
        var lookups = new NameLookups(stack, options.Resolve, Say);
        // Offloads both ways (host only) unless --no-offload; with impairments, frames come in one at a time as the impairment drops them.
        using var tap = TapDevice.Open(options.Tap, segmentationOffload: options.Offload, receiveOffload: options.Offload && options.Impairment is null);
        var impaired = options.Impairment is null ? null : new ImpairedDevice(tap, options.Impairment, Environment.TickCount);
        Func<int, bool> waitReadable = impaired is null ? tap.WaitReadable : impaired.WaitReadable;
        Func<long, bool> receiveOne;
        Func<long, int> flush;
        if (impaired is null)
        {
            var runner = new NetworkRunner<TapDevice>(tap, stack);
            receiveOne = runner.ReceiveOne;
            flush = runner.Flush;
        }
        else
        {
            var runner = new NetworkRunner<ImpairedDevice>(impaired, stack);
            receiveOne = runner.ReceiveOne;
            flush = runner.Flush;
        }
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        string ipv4 = configuration.Dhcp ? " ipv4 dhcp" : stack.HasIpv4Address ? $" ipv4 {Text(stack.Ipv4Address)}/{stack.Ipv4PrefixLength}" : "";
        if (options.Impairment is not null)
            Say($"impairing received frames: {options.Impairment}");
        Say($"{tap.Name} mac {Text(stack.MacAddress)} ipv6 {Text(stack.LinkLocalAddress)}{ipv4} mtu {stack.LinkMtu}{(options.Offload ? "" : ", no offloads")}; answering ping and ping6, UDP and TCP echo on port {EchoPort}, discard on TCP port {DiscardPort}, uploads on TCP port {UploadPort}{(source is null ? "" : $", {source.Bytes} bytes to each connection on TCP port {StreamSource.Port}")}");

        var clock = Stopwatch.StartNew();
        var payload = new byte[stack.Udp.LargestPayload];
        ulong dropped = 0;
        while (!stop.IsCancellationRequested)
        {
            long now = clock.ElapsedMilliseconds;
            long sleep = Math.Clamp(stack.NextPollAt - now, 0, MaximumSleepMilliseconds);
            waitReadable((int)sleep);
            while (receiveOne(clock.ElapsedMilliseconds))
            {
                if (stack.DroppedFrames != dropped)
                {
                    dropped = stack.DroppedFrames;
                    Say(stack.LastDrop == DropReason.Malformed ? $"drop {stack.LastDrop} ({stack.LastDropError})" : $"drop {stack.LastDrop}");
                }
            }
            // RFC 862: whatever arrives on the echo port goes back to its sender.
            while (stack.Udp.TryReceive(echo, payload, out int length, out var remote, out _))
                stack.Udp.Send(echo, remote, payload.AsSpan(0, Math.Min(length, payload.Length)));
            services.Run(clock.ElapsedMilliseconds);
            source?.Step(clock.ElapsedMilliseconds);
            lookups.Run(clock.ElapsedMilliseconds);
            flush(clock.ElapsedMilliseconds);
            tap.FlushSends();
            while (stack.TryTakeEvent(out var change))
                Say(Describe(change));
        }

        foreach (string line in services.PendingUploads(clock.ElapsedMilliseconds))
            Say(line);
        Say($"tap offload: {tap.Joined.Segments} tcp segments sent in {tap.Joined.Writes} writes; {tap.Split.Frames} frames received cut into {tap.Split.Segments} segments");
        Say($"tcp syn cookies sent {stack.Tcp.SynCookiesSent}, connections from them {stack.Tcp.ConnectionsFromSynCookies}");
        Say($"largest frame sent {tap.LargestSent} bytes (link mtu {stack.LinkMtu})");
        var counters = new byte[InterfaceCounters.MaxFormattedLength];
        stack.Counters.TryFormat(counters, out int written);
        Console.WriteLine("hoststack: stopped; counters:");
        Console.Write(Encoding.ASCII.GetString(counters, 0, written));
        return 0;
    }

    /// <summary>`--ipv4`: none, dhcp, or an address with its prefix length (/16 if left out, as 169.254/16 is).</summary>
    public static NetworkConfiguration Configure(string? ipv4Text)
    {
        var configuration = NetworkConfiguration.Default;
        configuration.Seed = (uint)Environment.TickCount | 1;
        // RFC 6528: the initial sequence number key from the OS's random source.
        Span<byte> secret = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(secret);
        configuration.TcpSecret0 = BitConverter.ToUInt64(secret);
        configuration.TcpSecret1 = BitConverter.ToUInt64(secret[8..]);
        configuration.TcpConnections = 32;
        // Upload, echo, discard, HTTP and --send's source.
        configuration.TcpListeners = 8;
        // A window large enough for a fast link: 1 MiB a connection.
        configuration.TcpReceiveBuffer = 1 << 20;
        configuration.TcpSendBuffer = 256 * 1024;
        // Fragments both ways: 4 datagrams reassembled at once, and the echo socket takes whole
        // reassembled datagrams (a UDP payload of up to 65,507 bytes, the IPv4 limit).
        configuration.ReassemblyBuffers = 4;
        configuration.LargestDatagram = 64 * 1024;
        configuration.UdpLargestPayload = Ipv4Packet.MaximumLength - Ipv4Packet.MinimumHeaderLength - UdpDatagram.HeaderLength;
        if (ipv4Text is null)
            return configuration;
        if (ipv4Text == "dhcp")
        {
            configuration.Dhcp = true;
            configuration.DhcpConflictDetection = true;
            return configuration;
        }
        string[] parts = ipv4Text.Split('/');
        int prefix = 16;
        if (parts.Length > 2 || (parts.Length == 2 && (!int.TryParse(parts[1], out prefix) || prefix is < 1 or > 32)))
            throw new ArgumentException($"--ipv4 must be dhcp or an address with a prefix length such as 169.254.77.2/16, not '{ipv4Text}'");
        configuration.Ipv4Address = ParseIpv4(parts[0]);
        configuration.Ipv4PrefixLength = prefix;
        return configuration;
    }

    /// <summary>One line per configuration change, in the form the interop tests read.</summary>
    public static string Describe(InterfaceEvent change) => change.Kind switch
    {
        InterfaceEventKind.Ipv4Leased => $"ipv4 {Text(change.Address.MappedIpv4)}/{change.PrefixLength} leased from {Text(change.From.MappedIpv4)} for {change.LifetimeSeconds} s",
        InterfaceEventKind.Ipv4Renewed => $"ipv4 {Text(change.Address.MappedIpv4)}/{change.PrefixLength} renewed from {Text(change.From.MappedIpv4)} for {change.LifetimeSeconds} s",
        InterfaceEventKind.Ipv4Lost => $"ipv4 {Text(change.Address.MappedIpv4)} lost: the lease ended or the server refused it",
        InterfaceEventKind.Ipv6AddressAdded => $"ipv6 {Text(change.Address)}/{change.PrefixLength} from router {Text(change.From)}, valid "
            + (change.LifetimeSeconds < 0 ? "forever" : $"{change.LifetimeSeconds} s"),
        InterfaceEventKind.Ipv6AddressExpired => $"ipv6 {Text(change.Address)} expired",
        InterfaceEventKind.DnsServerLearnt => $"dns server {(change.Address.IsIpv4Mapped ? Text(change.Address.MappedIpv4) : Text(change.Address))} from "
            + $"{(change.From.IsIpv4Mapped ? Text(change.From.MappedIpv4) : Text(change.From))}, valid "
            + (change.LifetimeSeconds < 0 ? "forever" : $"{change.LifetimeSeconds} s"),
        InterfaceEventKind.Ipv4Declined => $"ipv4 {Text(change.Address.MappedIpv4)} declined: another host answers ARP for it (RFC 5227)",
        InterfaceEventKind.DuplicateAddress => $"ipv6 {Text(change.Address)} is used by another node on the link: not using it (RFC 4862 5.4.5)",
        _ => $"event {change.Kind}",
    };

    private static void Say(string line)
    {
        Console.WriteLine("hoststack: " + line);
        Console.Out.Flush();
    }

    /// <summary>A stable, locally administered MAC for a TAP name (IEEE 802: bit 1 of the first byte set).</summary>
    public static MacAddress DefaultMac(string tapName)
    {
        uint hash = 2166136261;
        foreach (char c in tapName)
            hash = (hash ^ c) * 16777619;
        return new MacAddress(0x0200_0000_0000UL | 0x75_0000_0000UL | hash);
    }

    public static MacAddress ParseMac(string text)
    {
        string[] parts = text.Split(':');
        var bytes = new byte[6];
        if (parts.Length != 6 || parts.Where((p, i) => !byte.TryParse(p, System.Globalization.NumberStyles.HexNumber, null, out bytes[i])).Any())
            throw new ArgumentException($"--mac must look like 02:00:00:00:00:01, not '{text}'");
        var mac = new MacAddress(bytes);
        if (mac.IsMulticast)
            throw new ArgumentException($"--mac {text} is a group address (bit 0 of the first byte set); an interface needs a unicast one");
        return mac;
    }

    public static Ipv4Address ParseIpv4(string text)
    {
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new ArgumentException($"--ipv4 must be dhcp or an IPv4 address such as 169.254.77.2/16, not '{text}'");
        return new Ipv4Address(parsed.GetAddressBytes());
    }

    private static string Text(MacAddress value)
    {
        Span<char> text = stackalloc char[MacAddress.MaxFormattedLength];
        return value.TryFormat(text, out int n) ? new string(text[..n]) : "?";
    }

    private static string Text(Ipv4Address value)
    {
        Span<char> text = stackalloc char[Ipv4Address.MaxFormattedLength];
        return value.TryFormat(text, out int n) ? new string(text[..n]) : "?";
    }

    private static string Text(Ipv6Address value)
    {
        Span<char> text = stackalloc char[Ipv6Address.MaxFormattedLength];
        return value.TryFormat(text, out int n) ? new string(text[..n]) : "?";
    }
}
