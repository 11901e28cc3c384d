using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Cores;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The cores QEMU gives (-smp, 4 as the tool starts it): all start with core 0 and wait in the
/// entry code's pen (aarch64.S, refs/qemu-h3.md 7) for an SGI (src/Drivers/Cores/PenRelease.cs).
/// The pen leaves at the entry code's secondary start itself, so the reset address is not needed.
/// </summary>
internal unsafe partial struct Board : ICorePower
{
    public static int CoreCount => Platform.Cpu.MaxCores;

    public static bool PowerOnCore(int core, nuint resetAddress) => PenRelease<DirectMmio>.Release(QemuVirt<DirectMmio>.Gicd, core);

    /// <summary>Starts <paramref name="core"/> running <paramref name="entry"/>(core) (<see cref="Platform.Cpu.Start{TBoard}"/>); a core QEMU was not given times out.</summary>
    public static CoreStartStatus StartCore(int core, delegate*<int, void> entry) => Platform.Cpu.Start<Board>(core, entry);
}
