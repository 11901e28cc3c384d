using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The sun8i EMAC as the network device of the Allwinner boards (the H3's and the A64's are the
/// same block), once the board has set its clocks, PHY interface and pins: the MAC address from
/// the SID, the rings in the board's uncached DMA region, the NDP groups in the filter, the link
/// awaited. Polled. The driver it makes belongs to the board's network device (BoardNetwork).
/// </summary>
internal static class BoardEmac
{
    /// <summary>
    /// More than the full segments a netboot receive window lets in flight (src/Boot/Program.cs:
    /// 256 KiB, 180 segments), so an upload never fills the ring. A full ring reorders frames
    /// under QEMU: its EMAC then starts again from the head and fills the descriptors given back
    /// in ring order, not in the order they were freed (allwinner_sun8i_emac_receive), and each
    /// reordering costs a spurious fast retransmit. 64 descriptors: 360-600 retransmitted segments
    /// per 32 MiB upload; 256: 6-100, and 1.3x the rate (no hashing, same run).
    /// </summary>
    private const int ReceiveDescriptors = 256;
    private const int TransmitDescriptors = 32;
    private const long LinkTimeoutMilliseconds = 5000;

    /// <summary>
    /// Starts the EMAC and waits for the link, with a status line. <paramref name="emac"/> is the
    /// driver, made here whatever the outcome; the board's network device keeps it.
    /// </summary>
    /// <param name="dmaRegion">Where the rings go: the board's uncached DMA region (Board.DmaRegion).</param>
    public static bool TryStart(EmacSun8i<DirectMmio> registers, Sid<DirectMmio> sid, uint phyAddress, bool gigabit, nuint dmaRegion,
        out EmacDriver<DirectMmio, GenericTimerClock, UncachedDma> emac)
    {
        MacAddress mac = MacFromSid(sid);
        nuint length = EmacRingMemory.RequiredLength(ReceiveDescriptors, TransmitDescriptors);
        // In the uncached DMA region: no cache maintenance needed, none can go wrong.
        emac = new EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>(
            registers, new EmacRingMemory(dmaRegion, length, ReceiveDescriptors, TransmitDescriptors), phyAddress, gigabit);

        // The groups NDP needs before anything else: all-nodes, and the solicited-node group of our
        // interface identifier (link-local and SLAAC addresses share it).
        Span<EthernetAddress> groups = stackalloc EthernetAddress[2];
        groups[0] = new EthernetAddress(MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes).Value);
        groups[1] = new EthernetAddress(MacAddress.FromIpv6Multicast(NetworkInterface.LinkLocalFromMac(mac).SolicitedNode).Value);
        EmacStatus status = emac.Start(new EthernetAddress(mac.Value), groups);
        if (status != EmacStatus.Ok)
        {
            StatusLine<Board>.Fail("Ethernet: "u8);
            ConsoleText<Board>.WriteLine(EmacStatusText.Describe(status));
            return false;
        }
        status = emac.WaitForLink(LinkTimeoutMilliseconds);
        while (status == EmacStatus.LinkDown)
        {
            StatusLine<Board>.Fail("Ethernet: no link within 5 s; still waiting (is the cable in?)"u8);
            ConsoleText<Board>.WriteLine();
            Board.Service();   // waiting on purpose: the watchdog guard must not take it for a hang
            status = emac.WaitForLink(LinkTimeoutMilliseconds);
        }
        if (status != EmacStatus.Ok)
        {
            // Not a missing cable: the PHY stopped answering on MDIO. Waiting longer will not help.
            StatusLine<Board>.Fail("Ethernet: "u8);
            ConsoleText<Board>.WriteLine(EmacStatusText.Describe(status));
            return false;
        }
        StatusLine<Board>.Ok("Ethernet "u8);
        AddressText<Board>.Write(mac);
        ConsoleText<Board>.Write(", link "u8);
        ConsoleText<Board>.WriteDecimal((ulong)emac.Link.SpeedMbps);
        ConsoleText<Board>.WriteLine(emac.Link.FullDuplex ? " Mbit/s full duplex" : " Mbit/s half duplex");
        return true;
    }

    /// <summary>The board's MAC address: from the SID's chip ID by U-Boot's rule, so it is stable per board and locally administered.</summary>
    private static MacAddress MacFromSid(Sid<DirectMmio> sid)
    {
        Span<uint> chipId = stackalloc uint[4];
        EthernetAddress fromSid = SidMacAddress.TryReadChipId<DirectMmio, GenericTimerClock>(sid, chipId)
            ? SidMacAddress.FromChipId(chipId)
            : default;
        var mac = new MacAddress(fromSid.Value);
        if (fromSid.IsZero)
        {
            // No usable chip ID: a locally administered address from the counter, different each boot.
            StatusLine<Board>.Fail("SID: no chip ID to derive the MAC address from; using a random one"u8);
            ConsoleText<Board>.WriteLine();
            mac = new MacAddress(0x02_00_00_00_00_00UL | (GenericTimer.Counter & 0xFF_FFFF_FFFF));
        }
        return mac;
    }
}
