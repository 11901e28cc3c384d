namespace Unikernel.Drivers.Thermal;

/// <summary>Words a <see cref="ThermalStatus"/> for the boot log.</summary>
public static class ThermalStatusText
{
    public static ReadOnlySpan<byte> Describe(ThermalStatus status) => status switch
    {
        ThermalStatus.Ok => "ok"u8,
        ThermalStatus.Uncalibrated => "no calibration in the SID (readings less accurate)"u8,
        ThermalStatus.SidTimeout => "the SID did not give the calibration in time (readings less accurate)"u8,
        ThermalStatus.NoSample => "no sample from the sensor in time"u8,
        ThermalStatus.NoSuchSensor => "no such sensor"u8,
        _ => "unknown status"u8,
    };
}
