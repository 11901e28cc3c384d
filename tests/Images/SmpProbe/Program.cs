using System.Runtime;
using System.Threading;
using Unikernel.Boot;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Every core at work, for the QEMU tests under MTTCG: each core reports its MPIDR; all four
/// increment one counter under a spinlock; core 0 sends items through an SPSC ring to core 1;
/// a CPU-bound job runs on core 0 alone (before any other core runs, so none competes for the
/// host), then split over cores 0 and 1, each the least of three runs; last, core 1 panics. Lines are "name value"; times in
/// microseconds.
/// </summary>
internal static unsafe class Program
{
    private const int Cores = 4;
    private const uint IncrementsPerCore = 1_000_000;
    private const uint RingItems = 1_000_000;
    private const int RingCapacity = 4096;
    private const uint JobLength = 200_000_000;
    private const int JobRounds = 3;

    private static Spinlock s_console;
    private static Spinlock s_counterLock;
    private static uint s_counter;
    private static uint s_countGo;
    private static uint s_countDone;
    private static SpscRing<uint>? s_ring;
    private static uint s_ringOutOfOrder;
    private static uint s_ringDone;
    private static uint s_jobGo;
    private static uint s_jobSecondHalf;
    private static uint s_jobDone;
    private static uint s_panicGo;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        ConsoleText<Board>.WriteLine("smp probe: begin");
        ReportCore(0);

        // The least of a few runs, one core then two: a run the host disturbed (QEMU's start-up,
        // other work on its two cores) measured up to 7x slow beside the next one.
        uint wholeJob = Job(0, JobLength);
        long oneCore = long.MaxValue;
        for (int round = 0; round < JobRounds; round++)
        {
            long begin = GenericTimer.Microseconds;
            if (Job(0, JobLength) != wholeJob)
                Kernel.Panic("smp probe: the job gave two sums"u8);
            long took = GenericTimer.Microseconds - begin;
            oneCore = took < oneCore ? took : oneCore;
        }
        Line("job one-core-us", (ulong)oneCore);

        s_ring = new SpscRing<uint>(RingCapacity);
        for (int core = 1; core < Cores; core++)
        {
            CoreStartStatus status = Board.StartCore(core, &Worker);
            if (status != CoreStartStatus.Started)
            {
                Line("start failed for core", (ulong)core);
                Line("start status", (ulong)status);
                ConsoleText<Board>.WriteLine("smp probe: failed");
                return;
            }
        }

        long start = GenericTimer.Microseconds;
        Volatile.Write(ref s_countGo, 1);
        CountUnderLock();
        Atomic.Add(ref s_countDone, 1);
        while (Volatile.Read(ref s_countDone) != Cores)
        {
        }
        Line("counter-us", (ulong)(GenericTimer.Microseconds - start));
        Line("counter", Volatile.Read(ref s_counter));

        start = GenericTimer.Microseconds;
        for (uint item = 0; item < RingItems; item++)
        {
            while (!s_ring.TryWrite(item))
            {
            }
        }
        while (Volatile.Read(ref s_ringDone) == 0)
        {
        }
        Line("ring-us", (ulong)(GenericTimer.Microseconds - start));
        Line("ring items", RingItems);
        Line("ring out-of-order", Volatile.Read(ref s_ringOutOfOrder));

        long twoCores = long.MaxValue;
        uint firstHalf = 0;
        for (uint round = 1; round <= JobRounds; round++)
        {
            start = GenericTimer.Microseconds;
            Volatile.Write(ref s_jobGo, round);
            firstHalf = Job(0, JobLength / 2);
            while (Volatile.Read(ref s_jobDone) != round)
            {
            }
            long took = GenericTimer.Microseconds - start;
            twoCores = took < twoCores ? took : twoCores;
        }
        Line("job two-core-us", (ulong)twoCores);
        Line("job halves-match", firstHalf + Volatile.Read(ref s_jobSecondHalf) == wholeJob ? 1UL : 0UL);
        Line("job speedup-percent", (ulong)(oneCore * 100 / (twoCores > 0 ? twoCores : 1)));
        ConsoleText<Board>.WriteLine("smp probe: end");
        // Last, a panic on core 1, which must name the core.
        Volatile.Write(ref s_panicGo, 1);
    }

    /// <summary>Cores 1-3: report, count; core 1 then takes the ring's items and half the job.</summary>
    private static void Worker(int core)
    {
        ReportCore(core);
        while (Volatile.Read(ref s_countGo) == 0)
        {
        }
        CountUnderLock();
        Atomic.Add(ref s_countDone, 1);
        if (core != 1)
            return;

        uint expected = 0;
        uint outOfOrder = 0;
        while (expected < RingItems)
        {
            if (!s_ring!.TryRead(out uint item))
                continue;
            if (item != expected)
                outOfOrder++;
            expected++;
        }
        Volatile.Write(ref s_ringOutOfOrder, outOfOrder);
        Volatile.Write(ref s_ringDone, 1);

        for (uint round = 1; round <= JobRounds; round++)
        {
            while (Volatile.Read(ref s_jobGo) != round)
            {
            }
            Volatile.Write(ref s_jobSecondHalf, Job(JobLength / 2, JobLength));
            Volatile.Write(ref s_jobDone, round);
        }

        while (Volatile.Read(ref s_panicGo) == 0)
        {
        }
        Kernel.Panic("the probe's panic on a secondary core"u8);
    }

    /// <summary>A plain read-increment-write under the lock: without it, increments of other cores get lost.</summary>
    private static void CountUnderLock()
    {
        for (uint i = 0; i < IncrementsPerCore; i++)
        {
            s_counterLock.Enter();
            s_counter = s_counter + 1;
            s_counterLock.Exit();
        }
    }

    private static void ReportCore(int core)
    {
        s_console.Enter();
        ConsoleText<Board>.Write("core ");
        ConsoleText<Board>.WriteDecimal((ulong)core);
        ConsoleText<Board>.Write(" mpidr 0x");
        ConsoleText<Board>.WriteHex(Cpu.Mpidr, sizeof(nuint) * 2);
        ConsoleText<Board>.Write(" index ");
        ConsoleText<Board>.WriteDecimal((ulong)Cpu.Core);
        ConsoleText<Board>.WriteLine();
        s_console.Exit();
    }

    private static void Line(string name, ulong value)
    {
        s_console.Enter();
        ProbeLines<Board>.Line(name, value);
        s_console.Exit();
    }

    /// <summary>CPU-bound work: a sum of mixed integers (murmur3's finaliser), which splits into halves whose sums add up.</summary>
    private static uint Job(uint from, uint to)
    {
        uint sum = 0;
        for (uint i = from; i < to; i++)
        {
            uint x = i * 0x9E3779B1u;
            x ^= x >> 16;
            x *= 0x85EBCA6Bu;
            x ^= x >> 13;
            sum += x;
        }
        return sum;
    }
}
