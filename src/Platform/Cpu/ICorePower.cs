namespace Unikernel.Platform;

/// <summary>
/// A board whose other cores <see cref="Cpu.Start{TBoard}"/> can start: how many it has and how
/// its SoC powers one on (the H3's and A64's CPUCFG and PRCM, qemu-virt's pen).
/// </summary>
public interface ICorePower
{
    /// <summary>Cores on the board, core 0 the one that booted.</summary>
    static abstract int CoreCount { get; }

    /// <summary>
    /// Powers <paramref name="core"/> on (or releases it) so it starts at
    /// <paramref name="resetAddress"/> at the highest exception level, MMU and caches off; false
    /// when the SoC refused or a step timed out.
    /// </summary>
    static abstract bool PowerOnCore(int core, nuint resetAddress);
}
