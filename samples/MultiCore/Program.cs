using System.Runtime;
using System.Threading;
using Unikernel.Kit;

namespace Unikernel.Samples.MultiCore;

/// <summary>
/// Work split over the cores, on the kit: the primes below two million counted on core 0 alone
/// (before any other core runs, so none competes for the machine), then with the blocks dealt
/// over every core that starts; both times, both results (checked equal) and the speed-up.
/// </summary>
internal static unsafe class Program
{
    private static uint s_go;
    private static uint s_done;
    private static int s_workers;
    private static WorkerTable s_table;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        if (!Machine.Start())
            return;
        KernelConsole.Write("multicore: counting the primes below "u8);
        KernelConsole.WriteDecimal(PrimeCount.Limit);
        KernelConsole.Write(" on "u8);
        KernelConsole.WriteDecimal((ulong)KernelCores.Count);
        KernelConsole.WriteLine(" cores"u8);

        long start = KernelClock.Microseconds;
        uint alone = PrimeCount.CountShare(0, 1);
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
        uint together = PrimeCount.CountShare(0, workers);
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

    /// <summary>Cores 1-3: wait for the start, count this worker's blocks, add them in, and halt.</summary>
    private static void Work(int core)
    {
        while (Volatile.Read(ref s_go) == 0)
        {
        }
        uint count = PrimeCount.CountShare(s_table.Worker[core], Volatile.Read(ref s_workers));
        Atomic.Add(ref s_table.Counted, count);
        Atomic.Add(ref s_done, 1);
    }

    private static void Report(ReadOnlySpan<byte> what, uint primes, long microseconds)
    {
        KernelConsole.Write(what);
        KernelConsole.WriteDecimal(primes);
        KernelConsole.Write(" primes in "u8);
        KernelConsole.WriteDecimal((ulong)(microseconds / 1000));
        KernelConsole.WriteLine(" ms"u8);
    }

    private struct WorkerTable
    {
        /// <summary>Each core's worker number, by core.</summary>
        public fixed int Worker[Cpu.MaxCores];

        /// <summary>The primes the workers counted, summed.</summary>
        public uint Counted;
    }
}
