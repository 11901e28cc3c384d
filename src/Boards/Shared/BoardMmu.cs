using Unikernel.Drivers.Memory;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>The MMU and caches on over a board's memory map, with one status line; without them the board runs on, slower.</summary>
internal static class BoardMmu
{
    public static void Enable(Span<MemoryRegion> regions)
    {
        MmuStatus status = Mmu.Enable(new byte[Mmu.TableMemoryLength], regions);
        if (status == MmuStatus.Ok)
        {
            StatusLine<Board>.Ok("MMU on, caches on"u8);
            ConsoleText<Board>.WriteLine();
            return;
        }
        StatusLine<Board>.Fail("MMU: status "u8);
        ConsoleText<Board>.WriteDecimal((ulong)status);
        ConsoleText<Board>.WriteLine(" (running with caches off)"u8);
    }
}
