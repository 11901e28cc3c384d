using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Net.Wire;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>What the netboot program (src/Boot/Program.cs) asks of this board.</summary>
internal partial struct Board
{
    public static bool BringUp(out AddressRange memory) =>
        BoardWithoutEthernet.BringUp(BoardFile.Memory.Dram.Base, BoardFile.Memory.Dram.Size, out memory);

    public static void StartKernel(nuint load, nuint length, nuint entry) => LoadedProgram.Jump(entry);
}

/// <summary>No Ethernet driver on this board yet: the netboot program says so and stops.</summary>
internal struct BoardNetwork : INetworkDevice
{
    public static bool TryStart(out MacAddress mac)
    {
        mac = MacAddress.Zero;
        return BoardWithoutEthernet.Refuse("RGMII to the RTL8211E needs the AXP803 PMIC's rails, which are the next step (issue 7)");
    }

    public int Receive(Span<byte> frame) => 0;

    public bool Send(ReadOnlySpan<byte> frame) => false;
}
