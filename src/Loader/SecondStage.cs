using Unikernel.Boot;
using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;
using Unikernel.Platform;

namespace Unikernel.Loader;

/// <summary>
/// Loads the netboot program from the SD card: at the board's card offset the tool wrote it as a
/// kernel image (docs/image-format.md), so the header says where it goes and its SHA-256 is
/// checked before it runs. Blocks are read with the controller's DMA straight into DRAM.
/// </summary>
internal static unsafe class SecondStage
{
    /// <summary>Blocks per read command: four 64 KiB descriptors.</summary>
    private const int DescriptorCount = 4;
    private const int ChunkBlocks = DescriptorCount * 64 * 1024 / SdProtocol.BlockSize;

    /// <summary>Reads, checks and returns the entry point of the second stage; 0 after printing why not.</summary>
    public static nuint Load(SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card, ulong cardOffset, AddressRange dram)
    {
        ulong first = cardOffset / SdProtocol.BlockSize;
        Span<byte> block = stackalloc byte[SdProtocol.BlockSize];
        SdStatus status = card.Read(first, block);
        if (status != SdStatus.Ok)
            return Fail("reading its header"u8, status);
        if (!KernelImage.CheckFixedHeader(block, dram, default, out ImageError error))
        {
            StatusLine<Board>.Fail("second stage: "u8);
            ConsoleText<Board>.Write(KernelImage.Describe(error));
            Board.Write(" (rebuild the SD card with ./unikernel build)"u8);
            ConsoleText<Board>.WriteLine();
            return 0;
        }
        var header = new KernelImage(block);
        ulong load = header.LoadAddress;
        ulong length = header.PayloadLength;
        ulong entry = header.EntryPoint;
        Span<byte> expected = stackalloc byte[Sha256.HashLength];
        header.PayloadSha256.CopyTo(expected);

        // Whole blocks, header first, to the load address; then the payload moves down over the
        // header (a forward copy to a lower address is safe). DRAM above the payload is free now.
        ulong headerLength = (ulong)header.HeaderLength;
        ulong total = (headerLength + length + SdProtocol.BlockSize - 1) / SdProtocol.BlockSize;
        for (ulong done = 0; done < total; done += ChunkBlocks)
        {
            ulong blocks = Math.Min((ulong)ChunkBlocks, total - done);
            var destination = new Span<byte>((void*)(nuint)(load + done * SdProtocol.BlockSize), (int)(blocks * SdProtocol.BlockSize));
            status = card.Read(first + done, destination);
            if (status != SdStatus.Ok)
                return Fail("reading it"u8, status);
        }
        var payload = new Span<byte>((void*)(nuint)load, (int)length);
        new ReadOnlySpan<byte>((void*)(nuint)(load + headerLength), (int)length).CopyTo(payload);

        Span<byte> hash = stackalloc byte[Sha256.HashLength];
        Sha256.Hash(payload, hash);
        if (!hash.SequenceEqual(expected))
        {
            StatusLine<Board>.Fail("second stage: sha256 mismatch (the SD card is damaged; rewrite it)"u8);
            ConsoleText<Board>.WriteLine();
            return 0;
        }
        StatusLine<Board>.Ok("second stage "u8);
        ConsoleText<Board>.WriteDecimal(length);
        Board.Write(" bytes from the SD card, sha256 ok, at 0x"u8);
        ConsoleText<Board>.WriteHex(load, 8);
        ConsoleText<Board>.WriteLine();
        return (nuint)entry;
    }

    private static nuint Fail(ReadOnlySpan<byte> step, SdStatus status)
    {
        StatusLine<Board>.Fail("second stage: "u8);
        ConsoleText<Board>.Write(step);
        Board.Write(" failed: "u8);
        Board.Write(SdStatusText.Describe(status));
        ConsoleText<Board>.WriteLine();
        return 0;
    }
}
