using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Drivers.Time;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Net.Wire;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>
/// The Pine64+'s Ethernet: the A64's EMAC over RGMII to the RTL8211E gigabit PHY at MDIO
/// address 1 (hardware/boards/pine64-plus.yaml), polled, its rings in the uncached DMA block of
/// the second stage's RAM, its MAC address from the SID.
/// </summary>
internal struct BoardNetwork : INetworkDevice
{
    private const int ReceiveDescriptors = 64;
    private const int TransmitDescriptors = 32;
    private const long LinkTimeoutMilliseconds = 5000;

    /// <summary>
    /// The RTL8211E needs about 30 ms after its supply comes up, and some more to initialise, before
    /// it answers on MDIO; Linux waits 100 ms (sun50i-a64-pine64.dts, reg_dc1sw
    /// regulator-enable-ramp-delay = 100000 us, "100ms should be plenty").
    /// </summary>
    private const long PhyPowerUpMicroseconds = 100_000;

    private static EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>? s_emac;

    /// <summary>
    /// Brings the Ethernet up: system controller (RGMII, the board's delays), the EMAC's clock and
    /// reset, the RGMII pins, then the EMAC and PHY (gigabit auto-negotiation), and waits for the
    /// link. The AXP803's DC1SW rail, which powers the PHY, must already be on: the call that
    /// switches it on through the PMIC belongs in Board.BringUp (not there yet: the AXP803 driver
    /// is being written). Without it the PHY never answers and Start reports the PHY reset timeout.
    /// </summary>
    public static bool TryStart(out MacAddress mac)
    {
        mac = default;
        GenericTimer.Delay(PhyPowerUpMicroseconds);
        if (!EmacClocks.EnableA64Rgmii(A64<DirectMmio>.Ccu, A64<DirectMmio>.Sysctl, BoardFile.Ethernet.TxDelayPs, BoardFile.Ethernet.RxDelayPs))
        {
            StatusLine<Board>.Fail("Ethernet: the board's RGMII delays do not fit EMAC_CLK"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        RgmiiPins<DirectMmio>.ConfigureA64(A64<DirectMmio>.Pio);
        mac = Board.MacAddress();

        nuint length = EmacRingMemory.RequiredLength(ReceiveDescriptors, TransmitDescriptors);
        // In the uncached DMA block (Board.DmaRegion): no cache maintenance needed, none can go wrong.
        var emac = new EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>(
            A64<DirectMmio>.Emac, new EmacRingMemory(Board.DmaRegion, length, ReceiveDescriptors, TransmitDescriptors),
            BoardFile.Ethernet.PhyAddress, gigabit: true);
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
