using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Storage;
using Unikernel.Drivers.Thermal;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>What a kernel (src/Kit) asks of the Orange Pi PC beyond the netboot program's needs: the SD card, and no temperature sensor.</summary>
internal partial struct Board
{
    public static bool HasSdCard => true;

    public static SdStatus OpenCachedSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma>? card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(H3<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(H3<DirectMmio>.Pio);
        SdStatus status = BoardSdCard.Open(H3<DirectMmio>.Smhc0, moduleHz, out SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma> opened);
        card = opened;
        return status;
    }

    /// <summary>False: the H3 has a THS (one sensor), but src/Drivers has no driver for it yet (only the A64's).</summary>
    public static bool HasTemperatureSensor => false;

    public static ThermalStatus ReadTemperature(out int millicelsius)
    {
        millicelsius = 0;
        return ThermalStatus.NoSuchSensor;
    }
}
