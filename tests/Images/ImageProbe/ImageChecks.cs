using Unikernel.Boot.Image;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// The kernel image format (src/Image): SHA-256 (the NIST vectors, uneven pieces) and the
/// header's emit and check, printed one "name value" line per result. Compiled into the
/// ImageProbe image (our corelib, ARMv7 and AArch64) and into the host tests (the BCL):
/// every line must match.
/// </summary>
public static class ImageChecks<TConsole> where TConsole : IConsole
{
    public static void Run()
    {
        Span<byte> hash = stackalloc byte[Sha256.HashLength];
        Sha256.Hash("abc"u8, hash);
        Hex("sha256-abc", hash);
        Sha256.Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8, hash);
        Hex("sha256-448", hash);

        Span<byte> data = stackalloc byte[1000];
        data.Fill((byte)'a');
        var sha = new Sha256();
        for (int i = 0; i < 1000; i++)
            sha.Append(data);
        Line("sha256-million-length", sha.Length);
        sha.Finish(hash);
        Hex("sha256-million-a", hash);

        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)(i * 7 + 3);
        int at = 0;
        foreach (int piece in (ReadOnlySpan<int>)[1, 63, 64, 65, 0, 200, 607])
        {
            sha.Append(data.Slice(at, piece));
            at += piece;
        }
        sha.Finish(hash);
        Hex("sha256-pieces", hash);
        Sha256.Hash(data, hash);
        Hex("sha256-whole", hash);
        // Whole blocks at an odd address: the block function's byte loads (word loads would fault with the MMU off).
        Sha256.Hash(data.Slice(1, 640), hash);
        Hex("sha256-unaligned", hash);

        Span<byte> header = stackalloc byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, 0x4200_0000, 0x4200_0010, data);
        Hex("image-header", header);
        ReadOnlySpan<AddressRange> forbidden = [new AddressRange(0x4000_0000, 0x10_0000)];
        Line("image-check", Verdict(header, 1 << 20, forbidden));
        Line("image-too-long", Verdict(header, 999, forbidden));
        var image = new KernelImage(header);
        image.EntryPoint = 0x4200_03E8;
        Line("image-entry-outside", Verdict(header, 1 << 20, forbidden));
        image.LoadAddress = 0x400F_FC00;
        Line("image-overlap", Verdict(header, 1 << 20, forbidden));
        image.LoadAddress = ulong.MaxValue - 100;
        Line("image-wraps", Verdict(header, 1 << 20, forbidden));
        image.HeaderLength = 32;
        Line("image-header-length", Verdict(header, 1 << 20, forbidden));
        header[8] = 2;
        Line("image-version", Verdict(header, 1 << 20, forbidden));
        header[0] = (byte)'u';
        Line("image-magic", Verdict(header, 1 << 20, forbidden));
        Line("image-truncated", Verdict(header.Slice(0, 7), 1 << 20, forbidden));

        DeviceTreeChecks<TConsole>.Run();
    }

    private static ulong Verdict(ReadOnlySpan<byte> header, ulong limit, ReadOnlySpan<AddressRange> forbidden) =>
        KernelImage.Check(header, limit, forbidden, out var reason) ? 1UL : 100UL + (ulong)reason;

    private static void Line(string name, ulong value) => ProbeLines<TConsole>.Line(name, value);

    private static void Hex(string name, ReadOnlySpan<byte> bytes) => ProbeLines<TConsole>.Hex(name, bytes);
}
