namespace Unikernel.Drivers.Dvfs;

/// <summary>
/// The A64's CPU operating points, lowest first, from Linux
/// arch/arm64/boot/dts/allwinner/sun50i-a64-cpu-opp.dtsi (cpu0_opp_table: opp-hz, opp-microvolt,
/// here in millivolts; every entry is a whole number of millivolts). All frequencies are multiples
/// of 24 MHz, so PLL_CPUX reaches each exactly (<see cref="PllCpuxFactors"/>).
/// </summary>
public static class A64OperatingPoints
{
    public const int Count = 8;

    /// <summary>Operating point <paramref name="index"/> (0 to <see cref="Count"/> - 1); a zero point for any other index.</summary>
    public static OperatingPoint Get(int index) => index switch
    {
        0 => new OperatingPoint(648_000_000, 1040),
        1 => new OperatingPoint(816_000_000, 1100),
        2 => new OperatingPoint(912_000_000, 1120),
        3 => new OperatingPoint(960_000_000, 1160),
        4 => new OperatingPoint(1_008_000_000, 1200),
        5 => new OperatingPoint(1_056_000_000, 1240),
        6 => new OperatingPoint(1_104_000_000, 1260),
        7 => new OperatingPoint(1_152_000_000, 1300),
        _ => default,
    };
}
