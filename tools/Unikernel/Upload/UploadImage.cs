using System.Text;
using Unikernel.Boot.Image;

namespace Unikernel.Tool.Upload;

/// <summary>
/// What goes on the wire: a kernel image (docs/image-format.md), the file itself if it starts
/// with the magic, else a header made for the raw binary followed by it.
/// </summary>
/// <param name="Header">The header, as sent (for an image file: its first HeaderLength bytes).</param>
/// <param name="Payload">The kernel's bytes, after the header.</param>
/// <param name="Wrapped">True if the header was made here for a raw binary.</param>
public sealed record UploadImage(byte[] Header, byte[] Payload, ulong LoadAddress, ulong EntryPoint, string Sha256, bool Wrapped)
{
    /// <summary>Header and payload.</summary>
    public long Length => Header.Length + (long)Payload.Length;

    /// <summary>A version 2 image's parts, in table order (the payload is their bytes back to back); null for version 1.</summary>
    public IReadOnlyList<UploadPart>? Parts { get; init; }

    /// <summary>A version 2 image's boot protocol.</summary>
    public BootProtocol Protocol { get; init; }

    /// <summary>Header and payload, as sent (and as `upload -o` writes them).</summary>
    public byte[] Bytes() => [.. Header, .. Payload];

    /// <summary>
    /// Reads <paramref name="path"/>. An image is taken as it is (then <paramref name="load"/> and
    /// <paramref name="entry"/> must be null) after checking that its header is sound and its
    /// payload length and SHA-256 match; a raw binary gets a header with <paramref name="load"/>
    /// (required) and <paramref name="entry"/> (default: the load address).
    /// </summary>
    public static UploadImage FromFile(string path, ulong? load, ulong? entry)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UploadFailure($"cannot read {path}: {error.Message}");
        }
        return KernelImage.StartsWithMagic(file) ? FromImage(path, file, load, entry) : Wrap(path, file, load, entry);
    }

    private static UploadImage FromImage(string path, byte[] file, ulong? load, ulong? entry)
    {
        if (load is not null || entry is not null)
            throw new UploadFailure($"{path} is a kernel image already (it starts with UKIMAGE): it carries its own load address and entry point; drop --load and --entry");
        if (KernelImageParts.IsVersion2(file))
            return FromVersion2(path, file);
        if (!KernelImage.TryParse(file, uint.MaxValue, [], out var image, out var reason))
            throw new UploadFailure($"{path} starts with UKIMAGE but its header is bad: {Encoding.UTF8.GetString(KernelImage.Describe(reason))}");
        long payloadLength = file.Length - image.HeaderLength;
        if (payloadLength != image.PayloadLength)
            throw new UploadFailure($"{path}: its header says {image.PayloadLength} payload bytes, the file holds {payloadLength} after the header");
        byte[] payload = file[image.HeaderLength..];
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload));
        string claimed = Convert.ToHexStringLower(image.PayloadSha256);
        if (sha != claimed)
            throw new UploadFailure($"{path}: its header gives sha256 {claimed}, its payload hashes to {sha}");
        return new UploadImage(image.Buffer.ToArray(), payload, image.LoadAddress, image.EntryPoint, sha, Wrapped: false);
    }

    /// <summary>A version 2 image file (from `upload --linux -o`, perhaps signed since): its header checked, each part's length and hash.</summary>
    private static UploadImage FromVersion2(string path, byte[] file)
    {
        if (!KernelImageParts.Check(file, out var reason))
            throw new UploadFailure($"{path} is a version 2 image but its header is bad: {Encoding.UTF8.GetString(ImageErrorText.Describe(reason))}");
        var header = new KernelImageParts(file.AsSpan(0, KernelImageParts.AnnouncedHeaderLength(file)));
        long payloadLength = file.Length - header.HeaderLength;
        if (payloadLength != header.PayloadLength)
            throw new UploadFailure($"{path}: its header says {header.PayloadLength} payload bytes, the file holds {payloadLength} after the header");
        var parts = new List<UploadPart>();
        int offset = header.HeaderLength;
        for (int i = 0; i < header.PartCount; i++)
        {
            var part = header.Part(i);
            byte[] bytes = file.AsSpan(offset, (int)part.Length).ToArray();
            offset += bytes.Length;
            string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            if (sha != Convert.ToHexStringLower(part.Sha256))
                throw new UploadFailure($"{path}: part {i} ({Encoding.UTF8.GetString(Netboot.ReplyLine.PartWord(part.Kind))}) hashes to {sha}, its entry says {Convert.ToHexStringLower(part.Sha256)}");
            parts.Add(new UploadPart(part.Kind, part.LoadAddress, part.Room, bytes));
        }
        byte[] payload = file[header.HeaderLength..];
        var kernel = header.Part(header.IndexOf(PartKind.Kernel));
        return new UploadImage(header.Buffer.ToArray(), payload, kernel.LoadAddress, header.EntryPoint,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload)), Wrapped: false) { Parts = parts, Protocol = header.Protocol };
    }

    private static UploadImage Wrap(string path, byte[] file, ulong? load, ulong? entry)
    {
        if (load is not { } loadAddress)
            throw new UploadFailure($"{path} is a raw binary: give --load ADDR (where the bootloader puts it, e.g. 0x42000000 in the Orange Pi PC's DRAM), and --entry ADDR if it does not start at its first byte");
        if (file.LongLength > uint.MaxValue)
            throw new UploadFailure($"{path} is {file.LongLength} bytes; an image holds at most {uint.MaxValue}");
        ulong entryPoint = entry ?? loadAddress;
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, loadAddress, entryPoint, file);
        // The same checks the bootloader makes, less its own limit and forbidden ranges.
        if (!KernelImage.Check(header, uint.MaxValue, [], out var reason))
            throw new UploadFailure($"{path} cannot be loaded at {AddressArgument.Format(loadAddress)} with entry {AddressArgument.Format(entryPoint)} ({file.Length} bytes): {Encoding.UTF8.GetString(KernelImage.Describe(reason))}");
        return new UploadImage(header, file, loadAddress, entryPoint, Convert.ToHexStringLower(header.AsSpan(KernelImage.PayloadSha256Offset, KernelImage.Sha256Length)), Wrapped: true);
    }
}
