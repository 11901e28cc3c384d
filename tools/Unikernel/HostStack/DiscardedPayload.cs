using Unikernel.Boot.Image;

namespace Unikernel.Tool.HostStack;

/// <summary>hoststack checks a kernel's header, length and hash as the bootloader does, but has nowhere to put it.</summary>
public readonly struct DiscardedPayload : IPayloadDestination
{
    public void Write(ulong address, ReadOnlySpan<byte> piece)
    {
    }

    public Span<byte> Placed(ulong address, int length) => default;
}
