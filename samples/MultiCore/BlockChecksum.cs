namespace Unikernel.Samples.MultiCore;

/// <summary>
/// The job: a checksum over <see cref="Length"/> bytes of DRAM, <see cref="Passes"/> times, each
/// pass from its own seed. Each 64 KiB block gets an FNV-1a-style hash of its 32-bit words
/// (a multiply per word, no division: the ARMv7 build divides in software), and the blocks'
/// hashes are combined by addition, which does not care in what order or on which core they
/// were made; so the blocks are dealt round robin to the workers and their sums add up to the
/// same checksum as one core's.
/// </summary>
internal static unsafe class BlockChecksum
{
    /// <summary>16 MiB: far beyond the cores' caches (512 KiB L2 on both SoCs), so the job reads DRAM.</summary>
    public const uint Length = 16 << 20;

    /// <summary>Bytes per block.</summary>
    public const uint BlockSize = 64 << 10;

    /// <summary>Blocks in <see cref="Length"/>.</summary>
    public const uint Blocks = Length / BlockSize;

    /// <summary>Passes over the memory, each from its own seed.</summary>
    public const uint Passes = 32;

    /// <summary>FNV-1a's 32-bit prime and offset basis (draft-eastlake-fnv).</summary>
    private const uint FnvPrime = 16777619;
    private const uint FnvOffset = 2166136261;

    /// <summary>Fills the memory with a pattern that differs in every word (murmur3's finaliser of the index).</summary>
    public static void Fill(nuint memory)
    {
        uint* words = (uint*)memory;
        for (uint i = 0; i < Length / 4; i++)
        {
            uint x = i * 0x9E3779B1u;
            x ^= x >> 16;
            x *= 0x85EBCA6Bu;
            x ^= x >> 13;
            words[i] = x;
        }
    }

    /// <summary>The sum, over every pass, of the hashes of blocks <paramref name="worker"/>, <paramref name="worker"/> + <paramref name="workers"/>, ...</summary>
    public static uint SumShare(nuint memory, int worker, int workers)
    {
        uint sum = 0;
        for (uint pass = 0; pass < Passes; pass++)
        {
            for (uint block = (uint)worker; block < Blocks; block += (uint)workers)
                sum += HashBlock((uint*)(memory + block * BlockSize), FnvOffset ^ pass * 0x9E3779B9u ^ block);
        }
        return sum;
    }

    private static uint HashBlock(uint* words, uint hash)
    {
        for (uint i = 0; i < BlockSize / 4; i++)
            hash = (hash ^ words[i]) * FnvPrime;
        return hash;
    }
}
