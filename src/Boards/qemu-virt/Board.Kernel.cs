using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Storage;
using Unikernel.Drivers.Thermal;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>What a kernel (src/Kit) asks of QEMU virt beyond the netboot program's needs: it has no SD card and no temperature sensor.</summary>
internal partial struct Board
{
    /// <summary>False: QEMU virt as the tool starts it has no SD controller (storage would be virtio-blk, not driven here).</summary>
    public static bool HasSdCard => false;

    public static SdStatus OpenCachedSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma>? card)
    {
        card = null;
        return SdStatus.NoCard;
    }

    /// <summary>False: QEMU models no thermal sensor.</summary>
    public static bool HasTemperatureSensor => false;

    public static ThermalStatus ReadTemperature(out int millicelsius)
    {
        millicelsius = 0;
        return ThermalStatus.NoSuchSensor;
    }
}
