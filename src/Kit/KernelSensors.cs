using Unikernel.Boot;
using Unikernel.Drivers.Thermal;

namespace Unikernel.Kit;

/// <summary>The SoC's sensors where the board has a driver for them: today the Pine64+'s A64 CPU temperature.</summary>
public static class KernelSensors
{
    /// <summary>True where <see cref="ReadTemperature"/> can give a reading (pine64-plus).</summary>
    public static bool HasTemperature => Board.HasTemperatureSensor;

    /// <summary>
    /// The CPU cluster's temperature in millidegrees Celsius (0.117 C steps on the A64; a sample
    /// every 0.25 s, averaged over four). The first call enables the sensor and waits for its first
    /// sample (up to a second); later calls read a register. <see cref="SensorStatus.NoSensor"/>
    /// where the board has none.
    /// </summary>
    public static SensorStatus ReadTemperature(out int millicelsius)
    {
        millicelsius = 0;
        if (!Board.HasTemperatureSensor)
            return SensorStatus.NoSensor;
        return Board.ReadTemperature(out millicelsius) switch
        {
            ThermalStatus.Ok => SensorStatus.Ok,
            ThermalStatus.NoSuchSensor => SensorStatus.NoSensor,
            _ => SensorStatus.NoSample,
        };
    }
}
