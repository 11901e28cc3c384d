using System.Text.RegularExpressions;

namespace Unikernel.Tests.Net;

/// <summary>
/// Fragments between Linux and `unikernel hoststack` on a TAP interface: Linux's 6,000-byte
/// pings and 8,000-byte UDP datagrams reach the stack in fragments, both families, are
/// reassembled, and come back whole in fragments of the stack's own.
/// </summary>
[Collection("Host stack interop")]
public class FragmentInteropTests
{
    /// <summary>Sends 8,000 random bytes to the echo port of each target and prints the length and whether the reply matched.</summary>
    private const string UdpEcho = """
        import os, socket, sys
        for target in sys.argv[1:]:
            family, kind, proto, _, address = socket.getaddrinfo(target, 7, type=socket.SOCK_DGRAM)[0]
            s = socket.socket(family, kind, proto)
            s.settimeout(3)
            s.connect(address)
            data = os.urandom(8000)
            s.send(data)
            try:
                reply = s.recv(65535)
                print(target, len(reply), reply == data)
            except socket.timeout:
                print(target, 'timeout')
        """;

    [InteropFact]
    public void Linux_6000_byte_pings_and_8000_byte_udp_echoes_come_back_whole_over_ipv4_and_ipv6()
    {
        string counters;
        using (var link = new HostStackLink("169.254.77.2/16", "169.254.77.1/16"))
        {
            foreach (string target in new[] { "169.254.77.2", HostStackLink.LinkLocal + "%uk0" })
            {
                var ping = link.Space.TryRun("ping", target.Contains(':') ? "-6" : "-4", "-s", "6000", "-c", "3", "-i", "0.2", "-W", "2", target);
                Assert.True(HostStackLink.AllReceived(ping, 3), ping.Output + ping.Error + link.Stack.Output);
                // 6,000 data bytes and the 8-byte ICMP header, compared byte for byte by ping.
                Assert.Equal(3, Regex.Matches(ping.Output, @"^6008 bytes from", RegexOptions.Multiline).Count);
                Assert.DoesNotContain("wrong data", ping.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("DUP", ping.Output, StringComparison.Ordinal);
            }
            var udp = link.Space.TryRun("python3", "-c", UdpEcho, "169.254.77.2", HostStackLink.LinkLocal + "%uk0");
            Assert.True(udp.ExitCode == 0, udp.Output + udp.Error);
            Assert.Contains("169.254.77.2 8000 True", udp.Output, StringComparison.Ordinal);
            Assert.Contains($"{HostStackLink.LinkLocal}%uk0 8000 True", udp.Output, StringComparison.Ordinal);
            counters = link.StopStack();
        }
        var count = HostStackLink.Counters(counters);
        // Six pings and two datagrams, each reassembled once.
        Assert.Equal(8UL, count["reassembled"]);
        Assert.Equal(0UL, count["drop.fragment-overlap"]);
        Assert.Equal(0UL, count["drop.no-reassembly-buffer"]);
    }
}
