using System.Text;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using Unikernel.Platform;

namespace Unikernel.Net.Tests.Device;

/// <summary>
/// Two of our interfaces on one in-memory wire, each behind a <see cref="NetworkRunner{TDevice}"/>:
/// they find each other (ARP, neighbour discovery, duplicate address detection) and exchange
/// UDP, the whole path the EMAC driver and TAP device sit under.
/// </summary>
public class NetworkRunnerTests
{
    private static readonly MacAddress MacA = Golden.Mac("02:00:5e:77:00:0a");
    private static readonly MacAddress MacB = Golden.Mac("02:00:5e:77:00:0b");

    /// <summary>A wire: what one end sends, the other receives, in order; a bounded queue each way.</summary>
    private sealed class Wire
    {
        public readonly Queue<byte[]>[] Directions = [new(), new()];
        public readonly byte[]?[] Lent = [null, null];
        public int Capacity = 64;
    }

    /// <summary>One end of the wire, a struct as a bare-metal driver would be; it lends each received frame in place.</summary>
    private readonly struct WireEnd(Wire wire, int side) : INetworkDevice
    {
        public bool TryReceive(out Span<byte> frame)
        {
            Assert.Null(wire.Lent[side]); // released before the next one is taken
            frame = default;
            if (!wire.Directions[side].TryDequeue(out var bytes))
                return false;
            wire.Lent[side] = bytes;
            frame = bytes;
            return true;
        }

        /// <summary>Scribbles over the lent frame, as a DMA refilling its buffer would: nothing may read it after this.</summary>
        public void Release()
        {
            Assert.NotNull(wire.Lent[side]);
            wire.Lent[side]!.AsSpan().Fill(0xA5);
            wire.Lent[side] = null;
        }

        public bool Send(ReadOnlySpan<byte> frame)
        {
            var queue = wire.Directions[1 - side];
            if (queue.Count >= wire.Capacity)
                return false;
            queue.Enqueue(frame.ToArray());
            return true;
        }
    }

    private static (NetworkRunner<WireEnd> A, NetworkRunner<WireEnd> B, Wire Wire) Link()
    {
        var wire = new Wire();
        var a = new NetworkInterface(MacA, NetworkConfiguration.WithStaticIpv4(Golden.V4("169.254.77.10"), 16));
        var b = new NetworkInterface(MacB, NetworkConfiguration.WithStaticIpv4(Golden.V4("169.254.77.11"), 16));
        return (new NetworkRunner<WireEnd>(new WireEnd(wire, 0), a), new NetworkRunner<WireEnd>(new WireEnd(wire, 1), b), wire);
    }

    /// <summary>Runs both ends from <paramref name="from"/> to <paramref name="to"/> milliseconds in 10 ms steps.</summary>
    private static void Run(NetworkRunner<WireEnd> a, NetworkRunner<WireEnd> b, long from, long to)
    {
        for (long now = from; now <= to; now += 10)
        {
            foreach (var runner in new[] { a, b })
            {
                runner.Flush(now);
                while (runner.ReceiveOne(now))
                {
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_interfaces_resolve_each_other_and_exchange_datagrams(bool ipv6)
    {
        var (a, b, _) = Link();
        Run(a, b, 0, 2_000); // duplicate address detection, MLD, router solicitation: nobody objects
        Assert.Equal(AddressState.Preferred, a.Interface.Ipv6Addresses.StateAt(0));
        Assert.True(a.Interface.Udp.TryBind(5000, out UdpHandle socketA));
        Assert.True(b.Interface.Udp.TryBind(7, out UdpHandle socketB));
        var remote = ipv6 ? new IpEndpoint(b.Interface.LinkLocalAddress, 7) : new IpEndpoint(b.Interface.Ipv4Address, 7);
        byte[] hello = Encoding.ASCII.GetBytes("hello over our own stack");
        Assert.Equal(UdpSendResult.Queued, a.Interface.Udp.Send(socketA, remote, hello));
        Run(a, b, 2_000, 2_100);

        byte[] buffer = new byte[100];
        Assert.True(b.Interface.Udp.TryReceive(socketB, buffer, out int length, out var sender, out _));
        Assert.Equal(hello, buffer[..length]);
        Assert.Equal(5000, sender.Port);
        Assert.Equal(UdpSendResult.Queued, b.Interface.Udp.Send(socketB, sender, buffer.AsSpan(0, length)));
        Run(a, b, 2_100, 2_200);
        Assert.True(a.Interface.Udp.TryReceive(socketA, buffer, out length, out var echoed, out _));
        Assert.Equal(hello, buffer[..length]);
        Assert.Equal(remote, echoed);
        Assert.True(ipv6 ? a.Interface.TryResolve(b.Interface.LinkLocalAddress, out var mac) : a.Interface.TryResolve(b.Interface.Ipv4Address, out mac));
        Assert.Equal(MacB, mac);
        Assert.Equal(a.Interface.Counters.Received, a.Interface.Counters.Accounted);
    }

    [Fact]
    public void Same_mac_on_both_ends_is_found_by_duplicate_address_detection()
    {
        var wire = new Wire();
        var a = new NetworkRunner<WireEnd>(new WireEnd(wire, 0), new NetworkInterface(MacA, NetworkConfiguration.Default));
        a.Flush(0);
        var b = new NetworkRunner<WireEnd>(new WireEnd(wire, 1), new NetworkInterface(MacA, NetworkConfiguration.Default));
        // b's probe reaches a, whose address is still optimistic: a gives it up; a's probe reached b first too.
        Run(a, b, 0, 2_000);
        Assert.True(a.Interface.TryTakeEvent(out var change) || b.Interface.TryTakeEvent(out change));
        Assert.Equal(InterfaceEventKind.DuplicateAddress, change.Kind);
    }

    [Fact]
    public void Device_that_refuses_frames_is_counted_not_fatal()
    {
        var (a, b, wire) = Link();
        wire.Capacity = 0;
        Run(a, b, 0, 100);
        Assert.True(a.SendRefused > 0);
    }

    /// <summary>A clock the test moves by hand.</summary>
    private struct ManualClock : IMonotonicClock
    {
        public static long Now;

        public static long Milliseconds => Now;
    }

    [Fact]
    public void Step_runs_both_directions_on_the_clock_it_is_given()
    {
        var (a, b, _) = Link();
        for (ManualClock.Now = 0; ManualClock.Now < 2_000; ManualClock.Now += 10)
        {
            a.Step<ManualClock>();
            b.Step<ManualClock>();
        }
        Assert.Equal(AddressState.Preferred, a.Interface.Ipv6Addresses.StateAt(0));
        Assert.Equal(2_000 - 10, a.Interface.Now);
    }
}
