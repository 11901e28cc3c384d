using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Storage;
using Unikernel.Drivers.Thermal;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>What a kernel (src/Kit) asks of the Pine64+ beyond the netboot program's needs: the SD card and the A64's CPU temperature.</summary>
internal partial struct Board
{
    private static bool s_thermalEnabled;

    public static bool HasSdCard => true;

    public static SdStatus OpenCachedSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma>? card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(A64<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(A64<DirectMmio>.Pio);
        SdStatus status = BoardSdCard.Open(A64<DirectMmio>.Smhc0, moduleHz, out SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma> opened);
        card = opened;
        return status;
    }

    public static bool HasTemperatureSensor => true;

    /// <summary>THS sensor 0, the CPU cluster's; the sensors enabled on the first call (a second stage that did <see cref="BringUp"/> enabled them too: enabling again is harmless).</summary>
    public static ThermalStatus ReadTemperature(out int millicelsius)
    {
        var ths = A64<DirectMmio>.Ths;
        if (!s_thermalEnabled)
        {
            // Uncalibrated or SidTimeout still leaves the sensors running: the read decides.
            A64ThermalSensor<DirectMmio, GenericTimerClock>.Enable(A64<DirectMmio>.Ccu, A64<DirectMmio>.Sid, ths);
            s_thermalEnabled = true;
        }
        return A64ThermalSensor<DirectMmio, GenericTimerClock>.ReadMillicelsius(ths, CpuSensor, out millicelsius);
    }
}
