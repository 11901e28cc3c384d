namespace Unikernel.Drivers.Thermal;

/// <summary>How a thermal sensor step ended.</summary>
public enum ThermalStatus : byte
{
    Ok,

    /// <summary>
    /// Sensors running, but the SID holds no calibration (its first value is 0): the THS keeps its
    /// default 0x800 per sensor and readings are less accurate (Linux sun8i_ths_calibrate carries on too).
    /// </summary>
    Uncalibrated,

    /// <summary>Sensors running uncalibrated: the SID did not finish reading the calibration words in time.</summary>
    SidTimeout,

    /// <summary>No sample arrived in time: the sensor's data register stayed 0 (clock, reset or enable missing).</summary>
    NoSample,

    /// <summary>There is no sensor with that number (the A64 has 0, 1 and 2).</summary>
    NoSuchSensor,
}
