namespace Unikernel.Boot.Image;

/// <summary>
/// A range of physical addresses, <see cref="Start"/> included, <see cref="End"/> excluded
/// (<c>Start + Length</c>, which must not pass 2^64).
/// </summary>
public readonly struct AddressRange
{
    public AddressRange(ulong start, ulong length)
    {
        if (start + length < start)
            Kernel.Panic("AddressRange: start + length passes 2^64"u8);
        Start = start;
        Length = length;
    }

    public ulong Start { get; }

    public ulong Length { get; }

    public ulong End => Start + Length;

    /// <summary>True if some address is in both ranges (an empty range overlaps nothing).</summary>
    public bool Overlaps(AddressRange other) =>
        Length != 0 && other.Length != 0 && Start < other.End && other.Start < End;

    /// <summary>True if <paramref name="address"/> is in the range.</summary>
    public bool Contains(ulong address) => address - Start < Length;
}
