using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Cores;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>Cores 1-3 of the A64, started in AArch64 through CPUCFG, R_CPUCFG and R_PRCM (src/Drivers/Cores/A64CorePower.cs).</summary>
internal unsafe partial struct Board : ICorePower
{
    public static int CoreCount => A64CorePower<DirectMmio, GenericTimerClock>.Cores;

    public static bool PowerOnCore(int core, nuint resetAddress) =>
        A64CorePower<DirectMmio, GenericTimerClock>.PowerOn(A64<DirectMmio>.Cpucfg, A64<DirectMmio>.RCpucfg, A64<DirectMmio>.RPrcm, core, resetAddress);

    /// <summary>Starts <paramref name="core"/> running <paramref name="entry"/>(core) (<see cref="Platform.Cpu.Start{TBoard}"/>).</summary>
    public static CoreStartStatus StartCore(int core, delegate*<int, void> entry) => Platform.Cpu.Start<Board>(core, entry);
}
