using Unikernel.Boot;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>Latencies in timer ticks, and the line that reports their minimum, median and maximum.</summary>
internal static class LatencySamples
{
    /// <summary>
    /// Sorts <paramref name="samples"/> (insertion sort: a thousand values, no allocation) and
    /// prints "NAME samples N min A median B max C hz F", ticks at <paramref name="hertz"/>,
    /// then the same three in nanoseconds.
    /// </summary>
    public static void Report(string name, Span<uint> samples, uint hertz)
    {
        for (int i = 1; i < samples.Length; i++)
        {
            uint value = samples[i];
            int j = i - 1;
            while (j >= 0 && samples[j] > value)
            {
                samples[j + 1] = samples[j];
                j--;
            }
            samples[j + 1] = value;
        }
        uint min = samples[0], median = samples[samples.Length / 2], max = samples[samples.Length - 1];
        ConsoleText<Board>.Write(name);
        ConsoleText<Board>.Write(" samples ");
        ConsoleText<Board>.WriteDecimal((ulong)samples.Length);
        ConsoleText<Board>.Write(" min ");
        ConsoleText<Board>.WriteDecimal(min);
        ConsoleText<Board>.Write(" median ");
        ConsoleText<Board>.WriteDecimal(median);
        ConsoleText<Board>.Write(" max ");
        ConsoleText<Board>.WriteDecimal(max);
        ConsoleText<Board>.Write(" hz ");
        ConsoleText<Board>.WriteDecimal(hertz);
        ConsoleText<Board>.Write(" min-ns ");
        ConsoleText<Board>.WriteDecimal(Nanoseconds(min, hertz));
        ConsoleText<Board>.Write(" median-ns ");
        ConsoleText<Board>.WriteDecimal(Nanoseconds(median, hertz));
        ConsoleText<Board>.Write(" max-ns ");
        ConsoleText<Board>.WriteDecimal(Nanoseconds(max, hertz));
        ConsoleText<Board>.WriteLine();
    }

    private static ulong Nanoseconds(uint ticks, uint hertz) => (ulong)ticks * 1_000_000_000UL / hertz;
}
