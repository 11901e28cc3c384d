using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Unikernel.Net;
using Unikernel.Net.Wire;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// `unikernel hoststack`: the network stack of the boards, running on a Linux TAP interface,
/// so Linux's own stack can test it (ping, ping6). Ctrl-C or SIGTERM stops it and prints the
/// counters.
/// </summary>
public static class HostStackCommand
{
    public static int Run(string tapName, string? macText, string? ipv4Text)
    {
        var mac = macText is null ? DefaultMac(tapName) : ParseMac(macText);
        var stack = ipv4Text is null ? new NetworkInterface(mac) : new NetworkInterface(mac, ParseIpv4(ipv4Text));
        using var tap = TapDevice.Open(tapName);
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
        Console.WriteLine($"hoststack: {tap.Name} mac {Text(stack.MacAddress)} ipv6 {Text(stack.LinkLocalAddress)}"
            + (stack.HasIpv4Address ? $" ipv4 {Text(stack.Ipv4Address)}" : "") + "; answering ARP, ping, neighbour solicitation, ping6");
        Console.Out.Flush();
        FrameLoop.Run(tap, (frame, reply) => stack.Process(frame, reply), stop.Token);
        var counters = new byte[InterfaceCounters.MaxFormattedLength];
        stack.Counters.TryFormat(counters, out int written);
        Console.WriteLine("hoststack: stopped; counters:");
        Console.Write(Encoding.ASCII.GetString(counters, 0, written));
        return 0;
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
        return new MacAddress(bytes);
    }

    public static Ipv4Address ParseIpv4(string text)
    {
        string address = text.Split('/')[0];
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new ArgumentException($"--ipv4 must be an IPv4 address such as 169.254.77.2, not '{text}'");
        return new Ipv4Address(parsed.GetAddressBytes());
    }

    private static string Text(MacAddress value)
    {
        Span<char> text = stackalloc char[32];
        return value.TryFormat(text, out int n) ? new string(text[..n]) : "?";
    }

    private static string Text(Ipv4Address value)
    {
        Span<char> text = stackalloc char[32];
        return value.TryFormat(text, out int n) ? new string(text[..n]) : "?";
    }

    private static string Text(Ipv6Address value)
    {
        Span<char> text = stackalloc char[Ipv6Address.MaxFormattedLength];
        return value.TryFormat(text, out int n) ? new string(text[..n]) : "?";
    }
}
