using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dram;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>The Pine64+'s DDR3 behind the A64's DRAM controller (src/Drivers/Dram).</summary>
internal partial struct Board
{
    private static DramController<DirectMmio, GenericTimerClock, A64DramClock<DirectMmio, GenericTimerClock>> Dram =>
        new(A64<DirectMmio>.Dramcom, A64<DirectMmio>.Dramctl0, A64<DirectMmio>.Sysctl);

    /// <summary>
    /// Clocks, controller, PHY training, size detection; one status line. The size is capped to
    /// the DRAM region of the memory map (hardware/boards/pine64-plus.yaml).
    /// </summary>
    public static bool BringUpDramController(out AddressRange dram)
    {
        DramResult result = Dram.Initialize(A64DramParameters.Pine64Plus);
        if (result.Status != DramStatus.Ok)
        {
            dram = default;
            StatusLine<Board>.Fail("DRAM: "u8);
            Write(DramStatusText.Describe(result.Status));
            ConsoleText<Board>.WriteLine();
            return false;
        }
        ulong size = result.SizeBytes < BoardFile.Memory.Dram.Size ? result.SizeBytes : BoardFile.Memory.Dram.Size;
        dram = new AddressRange(BoardFile.Memory.Dram.Base, size);
        // The size only: the first stage has no room to print the geometry.
        StatusLine<Board>.Ok("DRAM "u8);
        ConsoleText<Board>.WriteDecimal(size >> 20);
        Write(" MiB"u8);
        ConsoleText<Board>.WriteLine();
        return true;
    }
}
