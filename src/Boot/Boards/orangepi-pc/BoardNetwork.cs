using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Drivers.Time;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Net.Wire;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>
/// The Orange Pi PC's Ethernet: the H3's EMAC with its internal 10/100 PHY at MDIO address 1
/// (hardware/boards/orangepi-pc.yaml), polled, its rings in the uncached DMA section
/// of the second stage's RAM, its MAC address from the SID.
/// </summary>
internal struct BoardNetwork : INetworkDevice
{
    private const int ReceiveDescriptors = 64;
    private const int TransmitDescriptors = 32;
    private const long LinkTimeoutMilliseconds = 5000;

    private static EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>? s_emac;

    public static bool TryStart(out MacAddress mac)
    {
        EmacClocks.EnableH3InternalPhy(H3<DirectMmio>.Ccu, H3<DirectMmio>.Sysctl, BoardFile.Ethernet.PhyAddress);
        mac = Board.MacAddress();

        nuint length = EmacRingMemory.RequiredLength(ReceiveDescriptors, TransmitDescriptors);
        // In the uncached DMA section (Board.DmaRegion): no cache maintenance needed, none can go wrong.
        nuint address = Board.DmaRegion;
        var emac = new EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>(
            H3<DirectMmio>.Emac, new EmacRingMemory(address, length, ReceiveDescriptors, TransmitDescriptors), BoardFile.Ethernet.PhyAddress, gigabit: false);
        s_emac = emac;

        // The groups NDP needs before anything else: all-nodes, and the solicited-node group of our
        // interface identifier (link-local and SLAAC addresses share it).
        Span<MacAddress> groups = stackalloc MacAddress[2];
        groups[0] = MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes);
        groups[1] = MacAddress.FromIpv6Multicast(NetworkInterface.LinkLocalFromMac(mac).SolicitedNode);
        EmacStatus status = emac.Start(mac, groups);
        if (status != EmacStatus.Ok)
        {
            StatusLine<Board>.Fail("Ethernet: "u8);
            ConsoleText<Board>.WriteLine(EmacStatusText.Describe(status));
            return false;
        }
        status = emac.WaitForLink(LinkTimeoutMilliseconds);
        while (status != EmacStatus.Ok)
        {
            StatusLine<Board>.Fail("Ethernet: no link within 5 s; still waiting (is the cable in?)"u8);
            ConsoleText<Board>.WriteLine();
            status = emac.WaitForLink(LinkTimeoutMilliseconds);
        }
        StatusLine<Board>.Ok("Ethernet "u8);
        ConsoleText<Board>.Write(mac);
        ConsoleText<Board>.Write(", link "u8);
        ConsoleText<Board>.WriteDecimal((ulong)emac.Link.SpeedMbps);
        ConsoleText<Board>.WriteLine(emac.Link.FullDuplex ? " Mbit/s full duplex" : " Mbit/s half duplex");
        return true;
    }

    /// <summary>Stops the EMAC's DMA before a kernel takes the memory its rings are in.</summary>
    public static void Stop() => s_emac?.Stop();

    public int Receive(Span<byte> frame) => s_emac!.Receive(frame);

    public bool Send(ReadOnlySpan<byte> frame) => s_emac!.Send(frame);
}
