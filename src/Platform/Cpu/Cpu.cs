using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Unikernel.Platform;

/// <summary>
/// The cores: which one runs this code, and starting the others. A started core runs on a stack
/// of its own (the entry code's core_stacks, the board's stack size each), with the vectors, FP
/// and SIMD set as on core 0 and the SMP coherency bit on (ACTLR.SMP, CPUECTLR_EL1.SMPEN), and
/// the MMU and caches as core 0 has them: on with core 0's tables (<see cref="TranslationRegisters.EnableAsCoreZero"/>),
/// or off; its entry gets the core number; when the entry returns the core halts (or waits
/// where the board's entry code parks it: qemu-virt's pen, orangepi-pc's park).
/// </summary>
public static unsafe class Cpu
{
    /// <summary>Cores the entry code has entry slots and stacks for (core 0 and three more).</summary>
    public const int MaxCores = 4;

    /// <summary>How long <see cref="Start{TBoard}"/> waits for a core to report: QEMU under load takes milliseconds.</summary>
    public const long StartTimeoutMilliseconds = 1000;

    private static CoreTable s_cores;
    private static uint s_counterFrequency;

    /// <summary>This core's number (MPIDR.Aff0).</summary>
    public static int Core => (int)CoreIndex();

    /// <summary>This core's MPIDR, the multiprocessor affinity register, as read.</summary>
    public static nuint Mpidr => ReadMpidr();

    /// <summary>
    /// Starts <paramref name="core"/> running <paramref name="entry"/>(core) and waits until it
    /// runs: the slot set, the board powers it on at the entry code's secondary start, and the
    /// core reports from there. Each core starts once.
    /// </summary>
    public static CoreStartStatus Start<TBoard>(int core, delegate*<int, void> entry) where TBoard : ICorePower
    {
        if (core <= 0 || core >= TBoard.CoreCount || core >= MaxCores || entry == null)
            return CoreStartStatus.NoSuchCore;
        if (s_cores.Entries[core] != 0)
            return CoreStartStatus.AlreadyStarted;
        // Each core has a CNTFRQ of its own, unset by the boot ROM on the boards: it takes core 0's.
        s_counterFrequency = GenericTimer.Frequency;
        s_cores.Entries[core] = (nuint)entry;
        nuint resetAddress = PrepareCore((nuint)core, &Run);
        // The core starts uncached and reads memory past our caches until its MMU is on: what it
        // reads first (its entry, the registers, the code) must be in memory, not only in our cache.
        if (TranslationRegisters.CoreZeroEnabled)
            Caches.CleanInvalidateAllData();
        if (!TBoard.PowerOnCore(core, resetAddress))
            return CoreStartStatus.PowerOnFailed;
        long deadline = GenericTimer.Milliseconds + StartTimeoutMilliseconds;
        while (Volatile.Read(ref s_cores.Running[core]) == 0)
        {
            if (GenericTimer.Milliseconds > deadline)
                return CoreStartStatus.Timeout;
        }
        return CoreStartStatus.Started;
    }

    /// <summary>True once <paramref name="core"/> has reported from its start.</summary>
    public static bool IsRunning(int core) => (uint)core < MaxCores && Volatile.Read(ref s_cores.Running[core]) != 0;

    /// <summary>Where the entry code's secondary start calls, on the new core.</summary>
    private static void Run(int core)
    {
        // First, before it writes anything core 0 reads through its cache.
        TranslationRegisters.EnableAsCoreZero();
        GenericTimer.SetFrequency(s_counterFrequency);
        var entry = (delegate*<int, void>)(nuint)s_cores.Entries[core];
        Volatile.Write(ref s_cores.Running[core], 1);
        entry(core);
    }

    private struct CoreTable
    {
        public fixed ulong Entries[MaxCores];
        public fixed uint Running[MaxCores];
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_core_index")]
    private static extern nuint CoreIndex();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_mpidr")]
    private static extern nuint ReadMpidr();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_core_prepare")]
    private static extern nuint PrepareCore(nuint core, delegate*<int, void> entry);
}
