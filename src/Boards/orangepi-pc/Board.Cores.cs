using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Cores;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>Cores 1-3 of the H3, started through R_CPUCFG and R_PRCM (src/Drivers/Cores/H3CorePower.cs).</summary>
internal unsafe partial struct Board : ICorePower
{
    public static int CoreCount => H3CorePower<DirectMmio, GenericTimerClock>.Cores;

    public static bool PowerOnCore(int core, nuint resetAddress) =>
        H3CorePower<DirectMmio, GenericTimerClock>.PowerOn(H3<DirectMmio>.RCpucfg, H3<DirectMmio>.RPrcm, core, (uint)resetAddress);

    /// <summary>Starts <paramref name="core"/> running <paramref name="entry"/>(core) (<see cref="Platform.Cpu.Start{TBoard}"/>).</summary>
    public static CoreStartStatus StartCore(int core, delegate*<int, void> entry) => Platform.Cpu.Start<Board>(core, entry);
}
