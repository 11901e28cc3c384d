using Unikernel.Drivers.Efuse;
using Unikernel.Drivers.Thermal;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// The A64 thermal sensor on a simulated SID and THS. Expected temperatures come from Linux
/// sun8i_thermal.c's A64 constants written as degrees (offset 260.89 C, 0.117 C per raw step),
/// computed here in floating point, independently of the driver's integer formula.
/// </summary>
[Collection("RecordingBus")]
public sealed class A64ThermalSensorTests
{
    private const double OffsetCelsius = 260.89;
    private const double CelsiusPerStep = 0.117;

    // Linux sunxi_sid.c register read-out: PRCTL offset field at bit 16 (mask 0x1FF), READ at bit 1.
    private const int SidOffsetShift = 16;
    private const uint SidOffsetMask = 0x1FF;
    private const uint SidRead = 1u << 1;

    // sun50i-a64.dtsi ths_calibration: e-fuse bytes 0x34..0x3B.
    private const uint CalibrationWord0Offset = 0x34;
    private const uint CalibrationWord1Offset = 0x38;

    private static readonly CcuA64<RecordingBus> Ccu = A64<RecordingBus>.Ccu;
    private static readonly Sid<RecordingBus> SidBlock = A64<RecordingBus>.Sid;
    private static readonly ThsA64<RecordingBus> Ths = A64<RecordingBus>.Ths;

    private static readonly Dictionary<uint, uint> Efuses = [];
    private static bool s_sidStuck;

    public A64ThermalSensorTests()
    {
        RecordingBus.Reset();
        A64MiscClock.Now = 0;
        Efuses.Clear();
        s_sidStuck = false;
        RecordingBus.OnRead = (address, value) =>
        {
            if (address == SidBlock.Prctl.Address && !s_sidStuck)
                return value & ~SidRead;
            if (address == SidBlock.Rdkey.Address)
                return Efuses.GetValueOrDefault(RecordingBus.Registers.GetValueOrDefault(SidBlock.Prctl.Address) >> SidOffsetShift & SidOffsetMask);
            return value;
        };
    }

    private static int ExpectedMillicelsius(uint raw) => (int)Math.Round((OffsetCelsius - raw * CelsiusPerStep) * 1000);

    [Theory]
    [InlineData(1u)]
    [InlineData(1000u)]
    [InlineData(1536u)]       // about 81 C
    [InlineData(1873u)]       // about 41.7 C
    [InlineData(2230u)]       // just below 0 C
    [InlineData(0xFFFu)]      // the largest 12-bit value
    public void Raw_value_converts_with_the_a64_offset_and_scale(uint raw)
    {
        Assert.Equal(ExpectedMillicelsius(raw), A64ThermalSensor<RecordingBus, A64MiscClock>.ToMillicelsius(raw));
    }

    [Fact]
    public void Enable_opens_the_clocks_copies_the_sid_calibration_then_starts_the_sensors()
    {
        Efuses[CalibrationWord0Offset] = 0x0801_07F3;   // sensor 1: 0x801, sensor 0: 0x7F3
        Efuses[CalibrationWord1Offset] = 0x0000_0812;   // sensor 2: 0x812
        Assert.Equal(ThermalStatus.Ok, A64ThermalSensor<RecordingBus, A64MiscClock>.Enable(Ccu, SidBlock, Ths));
        ApprovedTrace.Verify("A64Thermal.Enable", A64MiscTrace.Named());

        Assert.Equal(0x0801_07F3u, RecordingBus.Registers[Ths.ThsCdata0.Address]);
        Assert.Equal(0x812u, RecordingBus.Registers[Ths.ThsCdata1.Address]);
        Assert.Equal(0x7u, RecordingBus.Registers[Ths.ThsCtrl2.Address] & 0x7);            // SENSE0..2_EN
        Assert.Equal(1u << 8, RecordingBus.Registers[Ccu.BusSoftRst3.Address] & 1u << 8);  // THS_RST released
        Assert.Equal(1u << 8, RecordingBus.Registers[Ccu.BusClkGating2.Address] & 1u << 8);
        Assert.Equal(1u << 31, RecordingBus.Registers[Ccu.ThsClk.Address]);               // gate on, OSC24M / 1
    }

    [Fact]
    public void Calibrated_sensors_report_each_its_own_temperature()
    {
        Efuses[CalibrationWord0Offset] = 0x07E9_0806;
        Efuses[CalibrationWord1Offset] = 0x0000_07F0;
        Assert.Equal(ThermalStatus.Ok, A64ThermalSensor<RecordingBus, A64MiscClock>.Enable(Ccu, SidBlock, Ths));
        uint[] raw = [1873, 1800, 1750];
        for (int sensor = 0; sensor < raw.Length; sensor++)
            RecordingBus.Registers[Ths.ThsData(sensor).Address] = raw[sensor];

        for (int sensor = 0; sensor < raw.Length; sensor++)
        {
            Assert.Equal(ThermalStatus.Ok, A64ThermalSensor<RecordingBus, A64MiscClock>.ReadMillicelsius(Ths, sensor, out int millicelsius));
            Assert.Equal(ExpectedMillicelsius(raw[sensor]), millicelsius);
        }
    }

    [Fact]
    public void Unprogrammed_sid_leaves_the_default_calibration_and_says_so()
    {
        Assert.Equal(ThermalStatus.Uncalibrated, A64ThermalSensor<RecordingBus, A64MiscClock>.Enable(Ccu, SidBlock, Ths));
        Assert.False(RecordingBus.Registers.ContainsKey(Ths.ThsCdata0.Address));
        Assert.False(RecordingBus.Registers.ContainsKey(Ths.ThsCdata1.Address));
        Assert.Equal(0x7u, RecordingBus.Registers[Ths.ThsCtrl2.Address] & 0x7);
    }

    [Fact]
    public void Sid_that_never_finishes_a_read_is_reported_and_the_sensors_still_start()
    {
        s_sidStuck = true;
        Assert.Equal(ThermalStatus.SidTimeout, A64ThermalSensor<RecordingBus, A64MiscClock>.Enable(Ccu, SidBlock, Ths));
        Assert.Equal(0x7u, RecordingBus.Registers[Ths.ThsCtrl2.Address] & 0x7);
        Assert.False(RecordingBus.Registers.ContainsKey(Ths.ThsCdata0.Address));
        Assert.InRange(A64MiscClock.Now, SidEfuse<RecordingBus, A64MiscClock>.ReadTimeoutMilliseconds, 2 * SidEfuse<RecordingBus, A64MiscClock>.ReadTimeoutMilliseconds);
    }

    [Fact]
    public void Waits_for_the_first_sample_and_gives_up_when_none_comes()
    {
        A64MiscClock.Now = 0;
        Assert.Equal(ThermalStatus.NoSample, A64ThermalSensor<RecordingBus, A64MiscClock>.ReadMillicelsius(Ths, 1, out int millicelsius));
        Assert.Equal(0, millicelsius);
        Assert.InRange(A64MiscClock.Now, A64ThermalSensor<RecordingBus, A64MiscClock>.SampleTimeoutMilliseconds, 2 * A64ThermalSensor<RecordingBus, A64MiscClock>.SampleTimeoutMilliseconds);

        // A sample that arrives while waiting is taken.
        int reads = 0;
        RecordingBus.OnRead = (address, value) => address == Ths.ThsData(2).Address && ++reads == 5 ? 1536u : value;
        Assert.Equal(ThermalStatus.Ok, A64ThermalSensor<RecordingBus, A64MiscClock>.ReadMillicelsius(Ths, 2, out millicelsius));
        Assert.Equal(ExpectedMillicelsius(1536), millicelsius);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Sensor_numbers_outside_0_to_2_are_refused(int sensor)
    {
        Assert.Equal(ThermalStatus.NoSuchSensor, A64ThermalSensor<RecordingBus, A64MiscClock>.ReadMillicelsius(Ths, sensor, out _));
        Assert.Empty(RecordingBus.Log);
    }
}
