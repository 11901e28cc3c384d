using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net.Wire;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>
/// The Pine64+'s Ethernet: the A64's EMAC over RGMII to the RTL8211E gigabit PHY at MDIO
/// address 1 (hardware/boards/pine64-plus.yaml), its interrupt waking the main loop, its rings in the uncached DMA block of
/// the second stage's RAM, its MAC address from the SID. Owns the driver and adapts it to the
/// stack's device interface.
/// </summary>
internal readonly struct BoardNetwork : IBoardNetwork<BoardNetwork>
{
    private readonly EmacDriver<DirectMmio, GenericTimerClock, UncachedDma> _emac;

    private BoardNetwork(EmacDriver<DirectMmio, GenericTimerClock, UncachedDma> emac)
    {
        _emac = emac;
    }

    /// <summary>
    /// Brings the Ethernet up: system controller (RGMII, the board's delays), the EMAC's clock and
    /// reset, the RGMII pins, then the EMAC and PHY (gigabit auto-negotiation), and waits for the
    /// link. The AXP803's DC1SW rail, which powers the PHY, is on since the first stage
    /// (Pine64PlusPmic.BringUp); without it the PHY never answers and Start reports the PHY reset timeout.
    /// </summary>
    public static bool TryStart(out BoardNetwork network)
    {
        network = default;
        // No wait for the PHY's power-up here: Linux gives DC1SW 100 ms (sun50i-a64-pine64.dts,
        // regulator-enable-ramp-delay) before the RTL8211E answers on MDIO, and the first stage
        // switched it on long before (DRAM training and the SD card read come in between).
        if (!EmacClocks.EnableA64Rgmii(A64<DirectMmio>.Ccu, A64<DirectMmio>.Sysctl, BoardFile.Ethernet.TxDelayPs, BoardFile.Ethernet.RxDelayPs))
        {
            StatusLine<Board>.Fail("Ethernet: the board's RGMII delays do not fit EMAC_CLK"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        RgmiiPins<DirectMmio>.ConfigureA64(A64<DirectMmio>.Pio);
        bool started = BoardEmac.TryStart(A64<DirectMmio>.Emac, A64<DirectMmio>.Sid, BoardFile.Ethernet.PhyAddress, gigabit: true, Board.DmaRegion, out var emac);
        network = new BoardNetwork(emac);
        return started;
    }

    public MacAddress Mac => new(_emac.Address.Value);

    public void Stop() => _emac.Stop();

    /// <summary>The EMAC's interrupt (hardware/a64.yaml), receive and transmit enabled by the driver.</summary>
    public static uint InterruptId => A64.Emac.Irq;

    public static void AcknowledgeInterrupt() => EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>.AcknowledgeInterrupts(A64<DirectMmio>.Emac);

    public bool TryReceive(out Span<byte> frame) => _emac.TryReceive(out frame);

    public void Release() => _emac.Release();

    public bool Send(ReadOnlySpan<byte> frame) => _emac.Send(frame);
}
