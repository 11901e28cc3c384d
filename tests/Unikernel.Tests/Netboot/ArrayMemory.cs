using Unikernel.Boot.Image;

namespace Unikernel.Tests.Netboot;

/// <summary>A payload destination for tests: "DRAM" from <see cref="Base"/> on is an array.</summary>
public readonly struct ArrayMemory(ulong start, byte[] bytes) : IPayloadDestination
{
    public ulong Base => start;

    public byte[] Bytes => bytes;

    public AddressRange Range => new(start, (ulong)bytes.Length);

    public void Write(ulong address, ReadOnlySpan<byte> piece) => piece.CopyTo(bytes.AsSpan((int)(address - start)));

    public Span<byte> Placed(ulong address, int length) => bytes.AsSpan((int)(address - start), length);
}
