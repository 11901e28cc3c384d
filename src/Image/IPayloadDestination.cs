namespace Unikernel.Boot.Image;

/// <summary>
/// Where <see cref="KernelReceiver{TDestination}"/> puts a payload once its header passed:
/// memory at the load address on a board (<see cref="PhysicalMemory"/>), nowhere on the host
/// stack, an array in tests. A struct type argument, so the bare-metal copy is inlined rather
/// than called through an interface for every piece.
/// </summary>
public interface IPayloadDestination
{
    /// <summary>The payload's next piece, for the addresses from <paramref name="address"/> on (inside the checked load range).</summary>
    void Write(ulong address, ReadOnlySpan<byte> piece);

    /// <summary>
    /// The <paramref name="length"/> bytes at <paramref name="address"/> (inside a checked part's
    /// room), as written, to edit in place: the device tree before a Linux boot. Empty where the
    /// payload is not kept.
    /// </summary>
    Span<byte> Placed(ulong address, int length);
}
