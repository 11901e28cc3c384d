namespace Unikernel.Samples.MultiCore;

/// <summary>
/// The job: how many primes lie below <see cref="Limit"/>, by trial division. CPU-bound, no
/// memory beyond registers and the stack, so every core runs it at its own speed; split into
/// blocks dealt round robin to the workers, because a block's cost grows with its numbers and
/// contiguous shares would leave the last worker the most.
/// </summary>
internal static class PrimeCount
{
    /// <summary>Primes below 2,000,000: 148,933 (OEIS A006880 gives pi(2*10^6)).</summary>
    public const uint Limit = 2_000_000;

    /// <summary>Numbers per block.</summary>
    public const uint BlockSize = 4096;

    /// <summary>The blocks over [0, <see cref="Limit"/>).</summary>
    public const uint Blocks = (Limit + BlockSize - 1) / BlockSize;

    /// <summary>The primes in blocks <paramref name="worker"/>, <paramref name="worker"/> + <paramref name="workers"/>, ...</summary>
    public static uint CountShare(int worker, int workers)
    {
        uint count = 0;
        for (uint block = (uint)worker; block < Blocks; block += (uint)workers)
        {
            uint start = block * BlockSize;
            uint end = start + BlockSize < Limit ? start + BlockSize : Limit;
            for (uint n = start; n < end; n++)
            {
                if (IsPrime(n))
                    count++;
            }
        }
        return count;
    }

    /// <summary>Trial division by 2, 3 and the numbers 6k +- 1 up to the square root.</summary>
    public static bool IsPrime(uint n)
    {
        if (n < 4)
            return n >= 2;
        if (n % 2 == 0 || n % 3 == 0)
            return false;
        for (uint d = 5; d * d <= n; d += 6)
        {
            if (n % d == 0 || n % (d + 2) == 0)
                return false;
        }
        return true;
    }
}
