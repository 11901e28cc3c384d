using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Efuse;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Thermal;

/// <summary>
/// The A64's thermal sensor controller (THS, hardware/blocks/ths-a64.yaml): three sensors, 0 in
/// the CPU cluster, 1 and 2 by the GPU (sun50i-a64.dtsi thermal-zones cpu0/gpu0/gpu1). The
/// sequence follows Linux drivers/thermal/sun8i_thermal.c for sun50i_a64_ths: reset released, bus
/// clock and THS_CLK on at 24 MHz (sun8i_ths_resource_init), calibration words copied from the
/// SID before anything else (sun8i_ths_calibrate, sun8i_h3_ths_calibrate), then the filter, the
/// period, the acquire times and the sensor enables (sun8i_h3_thermal_init). The hardware applies
/// the calibration itself; the conversion to degrees is the same with or without it.
/// </summary>
public static class A64ThermalSensor<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    public const int SensorCount = 3;

    /// <summary>Linux sun50i_a64_ths.offset: millidegrees at raw value 0.</summary>
    public const int OffsetMillicelsius = 260_890;

    /// <summary>Linux sun50i_a64_ths.scale, in tenths of a millidegree per raw step (117 mC per step).</summary>
    public const int ScaleTenthMillicelsius = 1170;

    /// <summary>Acquire time of a sensor and of the ADC: 20 us at 24 MHz, minus one (Linux writes 479).</summary>
    private const uint AcquireCycles = 479;

    /// <summary>
    /// Measurement period field: 0.25 s = 4096 x (value + 1) x 4 samples / 24 MHz, so 365 (Linux
    /// sun8i_h3_thermal_init).
    /// </summary>
    private const uint PeriodField = 365;

    /// <summary>FILTER_TYPE 1: the average of 4 samples (Linux SUN50I_THS_FILTER_TYPE(1)).</summary>
    private const uint AverageOfFourSamples = 1;

    /// <summary>
    /// A sample every 0.25 s once enabled (the period above); four periods before calling the
    /// sensor silent.
    /// </summary>
    public const long SampleTimeoutMilliseconds = 1000;

    /// <summary>
    /// Clocks, reset, calibration from the SID, then the sensors. Returns <see cref="ThermalStatus.Ok"/>,
    /// or <see cref="ThermalStatus.Uncalibrated"/> / <see cref="ThermalStatus.SidTimeout"/> when the
    /// sensors run on the default calibration.
    /// </summary>
    public static ThermalStatus Enable(CcuA64<TBus> ccu, Sid<TBus> sid, ThsA64<TBus> ths)
    {
        // Linux: reset_control_deassert, then the bus clock, then the module clock at 24 MHz
        // (THS_CLK from OSC24M undivided; ccu-sun50i-a64.c ths_clk, ths_div_table).
        ccu.BusSoftRst3.Modify(r => r.WithThsRst(true));
        ccu.BusClkGating2.Modify(r => r.WithThsGating(true));
        ccu.ThsClk.Write(CcuA64.ThsClk.Zero.WithThsClkSrcSel(CcuA64.ThsClk.ThsClkSrcSelValue.Osc24m)
            .WithThsClkDivRatio(CcuA64.ThsClk.ThsClkDivRatioValue.Div1).WithSclkGating(true));

        ThermalStatus status = Calibrate(sid, ths);

        ths.ThsFilter.Write(ThsA64.ThsFilter.Zero.WithFilterEn(true).WithFilterType(AverageOfFourSamples));
        ths.ThsIntCtrl.Write(ThsA64.ThsIntCtrl.Zero.WithThsPer(PeriodField)
            .WithDataIrq0En(true).WithDataIrq1En(true).WithDataIrq2En(true));
        ths.ThsCtrl0.Write(ThsA64.ThsCtrl0.Zero.WithSensorAcq0(AcquireCycles));
        ths.ThsCtrl2.Write(ThsA64.ThsCtrl2.Zero.WithSensorAcq1(AcquireCycles)
            .WithSense0En(true).WithSense1En(true).WithSense2En(true));
        return status;
    }

    /// <summary>
    /// The SID's calibration cell (sun50i-a64.dtsi ths_calibration: SID e-fuse offset 0x34, 8 bytes)
    /// is read as 16-bit values, value n for sensor n, each 12 bits wide; they go into THS_CDATA,
    /// two per word. Linux refuses the cell when its first value is 0 (an unprogrammed chip).
    /// </summary>
    private static ThermalStatus Calibrate(Sid<TBus> sid, ThsA64<TBus> ths)
    {
        if (!SidEfuse<TBus, TClock>.TryRead(sid, sid.ThsCalib0.Address, out uint word0)
            || !SidEfuse<TBus, TClock>.TryRead(sid, sid.ThsCalib1.Address, out uint word1))
            return ThermalStatus.SidTimeout;
        var sensors01 = new Sid.ThsCalib0(word0);
        var sensor2 = new Sid.ThsCalib1(word1);
        // caldata[0] in Linux is the cell's first 16 bits: the low half of the first word.
        if ((ushort)word0 == 0)
            return ThermalStatus.Uncalibrated;
        ths.ThsCdata0.Write(ths.ThsCdata0.Read().WithThs0Cdata(sensors01.Ths0Calib).WithThs1Cdata(sensors01.Ths1Calib));
        ths.ThsCdata1.Write(ths.ThsCdata1.Read().WithThs2Cdata(sensor2.Ths2Calib));
        return ThermalStatus.Ok;
    }

    /// <summary>
    /// The temperature of <paramref name="sensor"/> in millidegrees Celsius, waiting for its first
    /// sample (the data register reads 0 until then; Linux returns -EAGAIN) up to
    /// <see cref="SampleTimeoutMilliseconds"/>.
    /// </summary>
    public static ThermalStatus ReadMillicelsius(ThsA64<TBus> ths, int sensor, out int millicelsius)
    {
        millicelsius = 0;
        if ((uint)sensor >= SensorCount)
            return ThermalStatus.NoSuchSensor;
        long deadline = TClock.Milliseconds + SampleTimeoutMilliseconds;
        uint raw;
        while ((raw = ths.ThsData(sensor).Read().Data) == 0)
        {
            if (TClock.Milliseconds > deadline)
                return ThermalStatus.NoSample;
        }
        millicelsius = ToMillicelsius(raw);
        return ThermalStatus.Ok;
    }

    /// <summary>Linux sun8i_ths_calc_temp: offset - raw x scale / 10 (260.89 C - raw x 0.117 C).</summary>
    public static int ToMillicelsius(uint raw) => OffsetMillicelsius - (int)raw * ScaleTenthMillicelsius / 10;
}
