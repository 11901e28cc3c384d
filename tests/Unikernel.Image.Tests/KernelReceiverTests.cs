using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Unikernel.Boot.Image;

namespace Unikernel.Image.Tests;

/// <summary>
/// The bootloader's receive path (<see cref="KernelReceiver{TDestination}"/> with <see cref="PhysicalMemory"/>): an image taken in pieces of any
/// size lands at its load address with its hash checked; each way an upload goes wrong gives its
/// reason and writes nothing where it must not. "DRAM" here is native memory the test owns.
/// </summary>
public sealed unsafe class KernelReceiverTests : IDisposable
{
    private const int MemoryLength = 1 << 20;
    private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed(MemoryLength);

    public void Dispose() => NativeMemory.Free(_memory);

    private ulong Base => (ulong)_memory;

    /// <summary>The first 64 KiB play the bootloader: forbidden.</summary>
    private KernelReceiver<PhysicalMemory> Receiver() => new(new AddressRange(Base, MemoryLength), [new AddressRange(Base, 0x1_0000)], default);

    private static byte[] Image(ulong load, byte[] payload, ulong? entry = null)
    {
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, load, entry ?? load, payload);
        return [.. header, .. payload];
    }

    private static byte[] Payload(int length, int seed = 1)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    private Span<byte> At(ulong address, int length) => new((void*)(nuint)address, length);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1460)]
    [InlineData(100_000)]
    public void An_image_in_pieces_of_any_size_lands_at_its_load_address(int pieceSize)
    {
        var receiver = Receiver();
        var payload = Payload(70_000);
        ulong load = Base + 0x2_0000;
        var image = Image(load, payload, load + 16);
        for (int offset = 0; offset < image.Length; offset += pieceSize)
            Assert.True(receiver.Accept(image.AsSpan(offset, Math.Min(pieceSize, image.Length - offset))));

        Assert.Equal(ImageError.None, receiver.Finish());
        Assert.Equal(payload, At(load, payload.Length).ToArray());
        Assert.Equal(load + 16, receiver.EntryPoint);
        Assert.Equal((ulong)payload.Length, receiver.PayloadLength);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(payload), receiver.ReceivedSha256.ToArray());
    }

    [Fact]
    public void A_damaged_payload_is_a_sha256_mismatch()
    {
        var receiver = Receiver();
        var image = Image(Base + 0x2_0000, Payload(5000));
        image[^1] ^= 0x40;
        receiver.Accept(image);
        Assert.Equal(ImageError.Sha256Mismatch, receiver.Finish());
    }

    [Fact]
    public void A_stream_that_ends_early_is_a_truncated_payload_or_header()
    {
        var image = Image(Base + 0x2_0000, Payload(5000));
        var receiver = Receiver();
        receiver.Accept(image.AsSpan(0, 3000));
        Assert.Equal(ImageError.PayloadTruncated, receiver.Finish());
        Assert.Equal(3000UL - 64, receiver.PayloadReceived);

        receiver.Reset();
        receiver.Accept(image.AsSpan(0, 40));
        Assert.Equal(ImageError.Truncated, receiver.Finish());
    }

    [Fact]
    public void Bytes_after_the_payload_are_refused_without_writing_past_it()
    {
        var receiver = Receiver();
        ulong load = Base + 0x2_0000;
        var image = Image(load, Payload(100));
        At(load + 100, 16).Fill(0xEE);
        Assert.False(receiver.Accept([.. image, 1, 2, 3]));
        Assert.Equal(ImageError.DataAfterPayload, receiver.Finish());
        Assert.All(At(load + 100, 16).ToArray(), b => Assert.Equal(0xEE, b));
    }

    [Theory]
    [InlineData(0x8000, ImageError.OverlapsForbidden)]          // on the bootloader
    [InlineData(MemoryLength - 100, ImageError.OutsideMemory)]   // runs past the end of DRAM
    public void A_load_range_the_loader_cannot_take_is_refused_before_a_byte_is_written(int offset, ImageError expected)
    {
        var receiver = Receiver();
        ulong load = Base + (ulong)offset;
        At(Base, 0x1_0000).Fill(0x5A);
        Assert.False(receiver.Accept(Image(load, Payload(4096))));
        Assert.Equal(expected, receiver.Finish());
        Assert.All(At(Base, 0x1_0000).ToArray(), b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void A_load_address_below_memory_is_outside_memory()
    {
        var receiver = Receiver();
        receiver.Accept(Image(Base - 0x10_0000, Payload(16)));
        Assert.Equal(ImageError.OutsideMemory, receiver.Finish());
    }

    [Fact]
    public void Header_faults_keep_their_reason()
    {
        var image = Image(Base + 0x2_0000, Payload(16));
        image[0] = (byte)'X';
        var receiver = Receiver();
        receiver.Accept(image);
        Assert.Equal(ImageError.BadMagic, receiver.Finish());

        image = Image(Base + 0x2_0000, Payload(16));
        // Version 2 is KernelImageParts' (KernelReceiverVersion2Tests); 3 is nobody's.
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(KernelImage.VersionOffset), 3);
        receiver.Reset();
        receiver.Accept(image);
        Assert.Equal(ImageError.UnsupportedVersion, receiver.Finish());

        receiver.Reset();
        receiver.Accept(Image(Base + 0x2_0000, Payload(16), entry: Base + 0x3_0000));
        Assert.Equal(ImageError.EntryOutsideImage, receiver.Finish());
    }

    [Fact]
    public void A_longer_header_of_a_later_version_is_skipped()
    {
        var payload = Payload(300);
        ulong load = Base + 0x2_0000;
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, load, load, payload);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(KernelImage.HeaderLengthOffset), 80);
        var receiver = Receiver();
        receiver.Accept([.. header, .. new byte[16], .. payload]);
        Assert.Equal(ImageError.None, receiver.Finish());
        Assert.Equal(payload, At(load, payload.Length).ToArray());
    }

    [Fact]
    public void After_a_reset_the_next_upload_is_taken()
    {
        var receiver = Receiver();
        receiver.Accept(Image(Base + 0x8000, Payload(10)));
        Assert.Equal(ImageError.OverlapsForbidden, receiver.Finish());
        receiver.Reset();
        var payload = Payload(10, seed: 2);
        receiver.Accept(Image(Base + 0x4_0000, payload));
        Assert.Equal(ImageError.None, receiver.Finish());
        Assert.Equal(payload, At(Base + 0x4_0000, 10).ToArray());
    }
}
