using Unikernel.Boot;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>QEMU virt: its GICv2; no Allwinner timer to measure.</summary>
internal static class LatencyProbeBoard
{
    public static GicV2<DirectMmio> Gic => new(QemuVirt<DirectMmio>.Gicd, QemuVirt<DirectMmio>.Gicc);

    public static void MeasureSocTimer(GicV2<DirectMmio> gic, Span<uint> samples) =>
        ConsoleText<Board>.WriteLine("soc-timer none");
}
