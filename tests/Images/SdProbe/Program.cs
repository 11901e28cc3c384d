using System.Runtime;
using Unikernel.Boot;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>The generic timer as the driver's clock.</summary>
internal struct ProbeClock : IMonotonicClock
{
    public static long Milliseconds => GenericTimer.Milliseconds;
}

/// <summary>
/// SD card probe: identifies the card on SMHC0, reads 8 blocks at 1 MiB (the test put a pattern
/// there) and the card's last block, writes 8 blocks of a known pattern at 2 MiB and reads them
/// back. Prints "name value" lines the test checks (SdStatus values as numbers).
/// </summary>
internal static class Program
{
    private const int Blocks = 8;
    private const int Length = Blocks * SmhcSdCard<DirectMmio, ProbeClock, UncachedDma>.BlockSize;
    private const ulong PatternBlock = (1 << 20) / 512;
    private const ulong WriteBlock = (2 << 20) / 512;

    [RuntimeExport("__unikernel_main")]
    private static unsafe void Main()
    {
        Board.Initialize();
        ConsoleText<Board>.WriteLine("sd probe: begin");
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(H3<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(H3<DirectMmio>.Pio);
        uint* descriptors = stackalloc uint[8];
        uint* words = stackalloc uint[Length / 4];
        var buffer = new Span<byte>(words, Length);
        var card = new SmhcSdCard<DirectMmio, ProbeClock, UncachedDma>(H3<DirectMmio>.Smhc0, (nuint)descriptors, 2, moduleHz);

        ProbeLines<Board>.Line("init", (ulong)card.Initialize());
        ProbeLines<Board>.Line("high-capacity", card.HighCapacity ? 1UL : 0UL);
        ProbeLines<Board>.Line("blocks", card.BlockCount);

        ProbeLines<Board>.Line("read", (ulong)card.Read(PatternBlock, buffer));
        ProbeLines<Board>.Hex("first", buffer.Slice(0, 16));
        ProbeLines<Board>.Line("sum", Sum(buffer));

        ProbeLines<Board>.Line("read-last", (ulong)card.Read(card.BlockCount - 1, buffer.Slice(0, 512)));
        ProbeLines<Board>.Hex("last", buffer.Slice(0, 16));

        for (int i = 0; i < Length; i++)
            buffer[i] = (byte)(i * 3 + 1);
        ProbeLines<Board>.Line("write", (ulong)card.Write(WriteBlock, buffer));
        buffer.Clear();
        ProbeLines<Board>.Line("read-back", (ulong)card.Read(WriteBlock, buffer));
        ProbeLines<Board>.Line("sum-back", Sum(buffer));
        ConsoleText<Board>.WriteLine("sd probe: end");
    }

    private static ulong Sum(ReadOnlySpan<byte> bytes)
    {
        ulong sum = 0;
        for (int i = 0; i < bytes.Length; i++)
            sum += (ulong)(bytes[i] * (i + 1));
        return sum;
    }
}
