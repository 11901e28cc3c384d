namespace Unikernel.Kit;

/// <summary>What a <see cref="KernelSensors"/> reading came to.</summary>
public enum SensorStatus : byte
{
    /// <summary>A reading.</summary>
    Ok,

    /// <summary>
    /// The board has no sensor with a driver: orangepi-pc (the H3 has a thermal sensor, src/Drivers
    /// has no driver for it yet) and qemu-virt (QEMU models none).
    /// </summary>
    NoSensor,

    /// <summary>The sensor gave no sample in time (a second): its clock or enable is missing.</summary>
    NoSample,
}
