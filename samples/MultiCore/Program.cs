using System.Runtime;
using System.Threading;
using Unikernel.Kit;

namespace Unikernel.Samples.MultiCore;

/// <summary>
/// Work split over the cores, on the kit: a checksum over 16 MiB of DRAM past the kernel's own
/// RAM (<see cref="BlockChecksum"/>), on core 0 alone (before any other core runs, so none
/// competes for the machine), then with the blocks dealt over every core that starts; both
/// times, both results (checked equal) and the speed-up.
/// </summary>
internal static unsafe class Program
{
    private static uint s_go;
    private static uint s_done;
    private static int s_workers;
    private static WorkerTable s_table;
    private static nuint s_memory;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        if (!Machine.Start())
            return;
        // No one's memory: past the kernel's RAM, cache-line aligned, inside the board's RAM.
        nuint memory = (Machine.RamEnd + 63) & ~(nuint)63;
        if ((ulong)memory + BlockChecksum.Length > Machine.MemoryEnd)
        {
            KernelConsole.WriteLine("multicore: the board has no 16 MiB past the kernel's RAM"u8);
            return;
        }
        s_memory = memory;
        BlockChecksum.Fill(memory);
        KernelConsole.Write("multicore: checksum of 16 MiB at 0x"u8);
        KernelConsole.WriteHex(memory, 8);
        KernelConsole.Write(", "u8);
        KernelConsole.WriteDecimal(BlockChecksum.Passes);
        KernelConsole.Write(" passes, on "u8);
        KernelConsole.WriteDecimal((ulong)KernelCores.Count);
        KernelConsole.WriteLine(" cores"u8);

        long start = KernelClock.Microseconds;
        uint alone = BlockChecksum.SumShare(memory, 0, 1);
        long aloneMicroseconds = KernelClock.Microseconds - start;
        Report("multicore: core 0 alone: "u8, alone, aloneMicroseconds);

        // Worker 0 is core 0; each core that starts is the next worker.
        int workers = 1;
        for (int core = 1; core < KernelCores.Count; core++)
        {
            s_table.Worker[core] = workers;
            CoreStartStatus status = KernelCores.Start(core, &Work);
            if (status == CoreStartStatus.Started)
            {
                workers++;
                continue;
            }
            KernelConsole.Write("multicore: core "u8);
            KernelConsole.WriteDecimal((ulong)core);
            KernelConsole.Write(" did not start (status "u8);
            KernelConsole.WriteDecimal((ulong)status);
            KernelConsole.WriteLine("), the others share its blocks"u8);
        }
        // Every started core waits for this before it begins, so the timing starts together.
        start = KernelClock.Microseconds;
        Volatile.Write(ref s_workers, workers);
        Volatile.Write(ref s_go, 1);
        uint together = BlockChecksum.SumShare(memory, 0, workers);
        Atomic.Add(ref s_table.Counted, together);
        Atomic.Add(ref s_done, 1);
        while (Volatile.Read(ref s_done) != (uint)workers)
        {
        }
        long togetherMicroseconds = KernelClock.Microseconds - start;
        together = Volatile.Read(ref s_table.Counted);
        Report(workers == 1 ? "multicore: 1 core: "u8 : "multicore: all cores: "u8, together, togetherMicroseconds);

        KernelConsole.Write("multicore: "u8);
        KernelConsole.WriteDecimal((ulong)workers);
        KernelConsole.WriteLine(together == alone ? " workers, results match"u8 : " workers, results DIFFER"u8);
        KernelConsole.Write("multicore: speedup "u8);
        KernelConsole.WriteFraction((ulong)aloneMicroseconds, (ulong)togetherMicroseconds, 2);
        KernelConsole.WriteLine("x"u8);
    }

    /// <summary>Cores 1-3: wait for the start, sum this worker's blocks, add them in, and halt.</summary>
    private static void Work(int core)
    {
        while (Volatile.Read(ref s_go) == 0)
        {
        }
        uint sum = BlockChecksum.SumShare(s_memory, s_table.Worker[core], Volatile.Read(ref s_workers));
        Atomic.Add(ref s_table.Counted, sum);
        Atomic.Add(ref s_done, 1);
    }

    private static void Report(ReadOnlySpan<byte> what, uint checksum, long microseconds)
    {
        KernelConsole.Write(what);
        KernelConsole.Write("checksum 0x"u8);
        KernelConsole.WriteHex(checksum, 8);
        KernelConsole.Write(" in "u8);
        KernelConsole.WriteDecimal((ulong)(microseconds / 1000));
        KernelConsole.WriteLine(" ms"u8);
    }

    private struct WorkerTable
    {
        /// <summary>Each core's worker number, by core.</summary>
        public fixed int Worker[Cpu.MaxCores];

        /// <summary>The workers' sums, added up (modulo 2^32, as the checksum).</summary>
        public uint Counted;
    }
}
