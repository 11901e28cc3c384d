using System.Threading;
using Unikernel.Boot;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Orange Pi PC: the H3's GIC-400, and timer 0 of its timer block (QEMU's A10 PIT model) as the
/// SoC timer: periodic, so in its handler the count left says how long ago the period ended
/// (interval minus count, in 24 MHz ticks). The HS timer is not modelled by QEMU.
/// </summary>
internal static unsafe class LatencyProbeBoard
{
    /// <summary>One period: 1 ms at 24 MHz, far longer than any latency, so a sample never spans two periods.</summary>
    private const uint Interval = 24_000;

    private static uint s_latency;
    private static uint s_fired;

    public static GicV2<DirectMmio> Gic => new(H3<DirectMmio>.Gicd, H3<DirectMmio>.Gicc);

    private static Sun8iTimer<DirectMmio> Timer => new(H3<DirectMmio>.Timer, 0);

    public static void MeasureSocTimer(GicV2<DirectMmio> gic, Span<uint> samples)
    {
        uint id = (uint)H3.Timer.Irq;
        InterruptHandlers.Register(id, &OnPeriod);
        gic.Enable(id);
        Timer.EnableInterrupt();
        Interrupts.Disable();
        Timer.Start(Interval, TimerMode.Periodic);
        for (int i = 0; i < samples.Length; i++)
        {
            Program.WaitWithInterruptsMasked(ref s_fired, Volatile.Read(ref s_fired));
            samples[i] = s_latency;
        }
        Timer.Stop();
        Timer.DisableInterrupt();
        Interrupts.Enable();
        LatencySamples.Report("soc-timer-wfi", samples, Sun8iTimer<DirectMmio>.SourceHertz);
    }

    private static void OnPeriod(uint id)
    {
        s_latency = Interval - Timer.Remaining;
        Timer.Acknowledge();
        Volatile.Write(ref s_fired, s_fired + 1);
    }
}
