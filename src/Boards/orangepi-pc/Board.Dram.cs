using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dram;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>The Orange Pi PC's DDR3 behind the H3's DRAM controller (src/Drivers/Dram).</summary>
internal partial struct Board
{
    private static DramController<DirectMmio, GenericTimerClock, H3DramClock<DirectMmio, GenericTimerClock>> Dram =>
        new(H3<DirectMmio>.Dramcom, H3<DirectMmio>.Dramctl0, H3<DirectMmio>.Sysctl);

    /// <summary>The first stage's step: clocks, controller, PHY training, size detection; one status line.</summary>
    public static bool BringUpDram(out AddressRange dram)
    {
        DramResult result = Dram.Initialize(H3DramParameters.OrangePiPc);
        if (result.Status != DramStatus.Ok)
        {
            dram = default;
            StatusLine<Board>.Fail("DRAM: "u8);
            Write(DramStatusText.Describe(result.Status));
            ConsoleText<Board>.WriteLine();
            return false;
        }
        dram = new AddressRange(BoardFile.Memory.Dram.Base, result.SizeBytes);
        StatusLine<Board>.Ok("DRAM "u8);
        ConsoleText<Board>.WriteDecimal(result.SizeBytes >> 20);
        ConsoleText<Board>.Write(" MiB ("u8);
        ConsoleText<Board>.WriteDecimal((ulong)result.Ranks);
        ConsoleText<Board>.Write(result.Ranks == 1 ? " rank, " : " ranks, ");
        ConsoleText<Board>.WriteDecimal((ulong)result.Banks);
        ConsoleText<Board>.Write(" banks, "u8);
        ConsoleText<Board>.WriteDecimal((ulong)result.RowBits);
        ConsoleText<Board>.Write(" row bits, "u8);
        ConsoleText<Board>.WriteDecimal((ulong)result.PageSize);
        ConsoleText<Board>.WriteLine(result.FullWidth ? "-byte pages, 32-bit bus)" : "-byte pages, 16-bit bus)");
        return true;
    }
}
