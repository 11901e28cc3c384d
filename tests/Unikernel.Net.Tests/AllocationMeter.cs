namespace Unikernel.Net.Tests;

/// <summary>
/// Bytes a piece of code allocates on this thread. The count is exact for our code, but the
/// runtime now and then charges a thread for its own work during a long run (seen: ~1.7 KB in
/// one of many runs of a 10,000-frame loop, never in isolation); a real per-frame allocation
/// shows in every run, so the least of three runs is what counts.
/// </summary>
internal static class AllocationMeter
{
    public static long LeastOfThree(Action<int> run)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run(attempt);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            least = Math.Min(least, allocated);
        }
        return least;
    }
}
