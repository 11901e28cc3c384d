using System.Diagnostics;
using System.Threading;

namespace Unikernel.Platform;

/// <summary>The host twin of the generic timer: the stopwatch's counter and frequency.</summary>
public static class GenericTimer
{
    public static ulong Counter => (ulong)Stopwatch.GetTimestamp();

    public static uint Frequency => (uint)Math.Min(Stopwatch.Frequency, uint.MaxValue);

    /// <summary>The host's clock is not ours to set.</summary>
    public static void SetFrequency(uint hertz)
    {
    }

    public static long Milliseconds => (long)(Stopwatch.GetElapsedTime(0).TotalMilliseconds);

    public static long Microseconds => (long)(Stopwatch.GetElapsedTime(0).TotalMicroseconds);

    public static void Delay(long microseconds) => Thread.Sleep(TimeSpan.FromMicroseconds(microseconds));
}
