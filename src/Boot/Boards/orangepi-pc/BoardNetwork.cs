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
    public static bool TryStart(out MacAddress mac)
    {
        EmacClocks.EnableH3InternalPhy(H3<DirectMmio>.Ccu, H3<DirectMmio>.Sysctl, BoardFile.Ethernet.PhyAddress);
        return BoardEmac.TryStart(H3<DirectMmio>.Emac, H3<DirectMmio>.Sid, BoardFile.Ethernet.PhyAddress, gigabit: false, Board.DmaRegion, out mac);
    }

    /// <summary>Stops the EMAC's DMA before a kernel takes the memory its rings are in.</summary>
    public static void Stop() => BoardEmac.Driver?.Stop();

    public int Receive(Span<byte> frame) => BoardEmac.Driver!.Receive(frame);

    public bool Send(ReadOnlySpan<byte> frame) => BoardEmac.Driver!.Send(frame);
}
