using System.Runtime;
using Unikernel.Boot;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Which failure to commit comes from a mailbox in DRAM that the test fills before the CPU
/// starts (QEMU's <c>-device loader,addr=0x4F000000,data=N,data-len=4</c>): word 0 selects the
/// fault, word 1 is an address for the data-abort probe. Both QEMU boards have RAM there and
/// need no DRAM set-up to use it.
/// </summary>
internal static unsafe class Program
{
    private const nuint Mailbox = 0x4F000000;
    private static uint s_undefinedInstruction;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        uint selection = *(uint*)Mailbox;
        nuint address = *(nuint*)(Mailbox + 8);
        ConsoleText<Board>.Write("fault probe: case ");
        ConsoleText<Board>.WriteDecimal(selection);
        ConsoleText<Board>.WriteLine();
        switch (selection)
        {
            case 1:
                IndexPastEnd(stackalloc byte[8], (int)selection + 7);
                break;
            case 2:
                ExecuteUndefinedInstruction();
                break;
            case 3:
                ConsoleText<Board>.WriteDecimal((ulong)(100 / (int)(selection - 3)));
                break;
            case 4:
                ConsoleText<Board>.WriteDecimal((ulong)checked(int.MaxValue + (int)(selection - 3)));
                break;
            case 5:
                Kernel.Panic("the probe asked for a panic"u8);
                break;
            case 6:
                ConsoleText<Board>.WriteHex(*(uint*)address, 8);
                break;
            case 7:
                ConsoleText<Board>.WriteDecimal(LongDivision(selection));
                break;
            default:
                ConsoleText<Board>.WriteLine("fault probe: nothing selected");
                return;
        }
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.WriteLine("fault probe: survived");
    }

    private static void IndexPastEnd(Span<byte> buffer, int index)
    {
        buffer[index] = 1;
        ConsoleText<Board>.WriteDecimal(buffer[0]);
    }

    /// <summary>Jumps to a word holding a permanently undefined instruction (A32 UDF, or A64 UDF #0).</summary>
    private static void ExecuteUndefinedInstruction()
    {
        s_undefinedInstruction = sizeof(nint) == 8 ? 0x00000000u : 0xE7F000F0u;
        fixed (uint* instruction = &s_undefinedInstruction)
            ((delegate* unmanaged<void>)instruction)();
    }

    /// <summary>64-bit division and remainder, out of line on ARMv7: must match the host's arithmetic.</summary>
    private static ulong LongDivision(uint seed)
    {
        ulong dividend = 0xFEDCBA9876543210UL / seed;
        long signed = -(long)dividend / 12345;
        return (ulong)(signed % 1000) + dividend % 977;
    }
}
