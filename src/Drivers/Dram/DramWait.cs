using Unikernel.Platform;


namespace Unikernel.Drivers.Dram;

/// <summary>
/// Waits of the DRAM bring-up on a millisecond clock: fixed settling pauses (U-Boot udelay) and
/// polls that give up after <see cref="TimeoutMilliseconds"/>.
/// </summary>
internal static class DramWait<TClock>
    where TClock : IMonotonicClock
{
    /// <summary>U-Boot's mctl_await_completion gives every step 1 s.</summary>
    public const long TimeoutMilliseconds = 1000;

    /// <summary>
    /// Waits at least <paramref name="milliseconds"/> (U-Boot's microsecond pauses round up to 1):
    /// one more tick than asked, as the first may come at once.
    /// </summary>
    public static void Settle(long milliseconds)
    {
        long start = TClock.Milliseconds;
        while (TClock.Milliseconds - start <= milliseconds)
        {
        }
    }

    /// <summary>The time a poll started now gives up at.</summary>
    public static long Deadline() => TClock.Milliseconds + TimeoutMilliseconds;

    /// <summary>True once <paramref name="deadline"/> (from <see cref="Deadline"/>) has passed.</summary>
    public static bool Expired(long deadline) => TClock.Milliseconds > deadline;
}
