using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net.Wire;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>
/// The Orange Pi PC's Ethernet: the H3's EMAC with its internal 10/100 PHY at MDIO address 1
/// (hardware/boards/orangepi-pc.yaml), its interrupt waking the main loop, its rings in the uncached DMA section
/// of the second stage's RAM, its MAC address from the SID. Owns the driver and adapts it to the
/// stack's device interface.
/// </summary>
internal readonly struct BoardNetwork : IBoardNetwork<BoardNetwork>
{
    private readonly EmacDriver<DirectMmio, GenericTimerClock, UncachedDma> _emac;

    private BoardNetwork(EmacDriver<DirectMmio, GenericTimerClock, UncachedDma> emac)
    {
        _emac = emac;
    }

    public static bool TryStart(out BoardNetwork network)
    {
        EmacClocks.EnableH3InternalPhy(H3<DirectMmio>.Ccu, H3<DirectMmio>.Sysctl, BoardFile.Ethernet.PhyAddress);
        bool started = BoardEmac.TryStart(H3<DirectMmio>.Emac, H3<DirectMmio>.Sid, BoardFile.Ethernet.PhyAddress, gigabit: false, Board.DmaRegion, out var emac);
        network = new BoardNetwork(emac);
        return started;
    }

    public MacAddress Mac => new(_emac.Address.Value);

    public void Stop() => _emac.Stop();

    /// <summary>The EMAC's interrupt (hardware/h3.yaml), receive and transmit enabled by the driver.</summary>
    public static uint InterruptId => H3.Emac.Irq;

    public static void AcknowledgeInterrupt() => EmacDriver<DirectMmio, GenericTimerClock, UncachedDma>.AcknowledgeInterrupts(H3<DirectMmio>.Emac);

    public bool TryReceive(out Span<byte> frame) => _emac.TryReceive(out frame);

    public void Release() => _emac.Release();

    public bool Send(ReadOnlySpan<byte> frame) => _emac.Send(frame);
}
