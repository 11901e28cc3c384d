namespace Unikernel.Drivers.Dvfs;

/// <summary>
/// Factors of the A64's PLL_CPUX: rate = 24 MHz x N x K / (M x P) (hardware/blocks/ccu-a64.yaml
/// PLL_CPUX_CTRL; Linux ccu-sun50i-a64.c pll_cpux_clk: N 1-32, K 1-4, M 1-4, P 1, 2 or 4).
/// <see cref="ForFrequency"/> leaves M and P at 1: the user manual allows P only below 240 MHz and
/// Allwinner's BSP never uses M, so Linux pins both to 1 on the A64, and keeps N x K at least 10
/// as the manual requires (Icenowy Zheng, "clk: sunxi-ng: a64: disable dividers in PLL-CPUX",
/// linux-kernel 2020). U-Boot's clock_set_pll1 uses M = 2 with K = 3 or 4 above 768 MHz; we do not.
/// </summary>
public readonly struct PllCpuxFactors
{
    public const uint ReferenceHz = 24_000_000;
    public const uint MaxN = 32;
    public const uint MaxK = 4;
    public const uint MaxM = 4;

    /// <summary>The smallest N x K the manual allows.</summary>
    public const uint MinNTimesK = 10;

    public readonly uint N;
    public readonly uint K;
    public readonly uint M;
    public readonly uint P;

    public PllCpuxFactors(uint n, uint k, uint m, uint p)
    {
        N = n;
        K = k;
        M = m;
        P = p;
    }

    /// <summary>The PLL's output with these factors (0 for a zero divider).</summary>
    public uint FrequencyHz => M == 0 || P == 0 ? 0 : (uint)((ulong)ReferenceHz * N * K / (M * P));

    /// <summary>
    /// The factors for the highest rate at or below <paramref name="hz"/> that N and K reach with
    /// M = P = 1 (the exact rate when <paramref name="hz"/> is a multiple of 24 MHz up to 3.072 GHz),
    /// the smallest K among equals. False below 240 MHz (N x K = 10), which the PLL does not go.
    /// </summary>
    public static bool ForFrequency(uint hz, out PllCpuxFactors factors)
    {
        factors = default;
        uint best = 0;
        for (uint k = 1; k <= MaxK; k++)
        {
            uint n = hz / (ReferenceHz * k);
            if (n > MaxN)
                n = MaxN;
            if (n * k < MinNTimesK || n == 0)
                continue;
            uint rate = ReferenceHz * n * k;
            if (rate > best)
            {
                best = rate;
                factors = new PllCpuxFactors(n, k, 1, 1);
            }
        }
        return best != 0;
    }
}
