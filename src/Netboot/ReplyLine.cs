using Unikernel.Boot.Image;
using Unikernel.Boot.Image.DeviceTree;

namespace Unikernel.Netboot;

/// <summary>
/// The verdict line (docs/image-format.md, "The upload protocol") built in a buffer made once:
/// sent on the connection (or as the web page's answer) and shown on the console alike.
/// </summary>
public sealed class ReplyLine
{
    // The longest line: "error: sha256 mismatch: received " and 64 hex digits, with room to spare.
    private readonly byte[] _text = new byte[160];
    private int _length;

    /// <summary>The line so far.</summary>
    public ReadOnlySpan<byte> Text => _text.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Append(ReadOnlySpan<byte> text)
    {
        int count = Math.Min(text.Length, _text.Length - _length);
        text.Slice(0, count).CopyTo(_text.AsSpan(_length));
        _length += count;
    }

    public void AppendDecimal(ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        int start = digits.Length;
        do
        {
            digits[--start] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);
        Append(digits.Slice(start));
    }

    /// <summary>Lower-case hex, at least <paramref name="minimumDigits"/> digits (leading zeros), more if the value needs them.</summary>
    public void AppendHex(ulong value, int minimumDigits)
    {
        Span<byte> digits = stackalloc byte[16];
        int start = digits.Length;
        do
        {
            digits[--start] = HexDigit((int)(value & 0xF));
            value >>= 4;
        }
        while (value != 0 || digits.Length - start < minimumDigits);
        Append(digits.Slice(start));
    }

    public void AppendHex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> pair = stackalloc byte[2];
        foreach (byte value in bytes)
        {
            pair[0] = HexDigit(value >> 4);
            pair[1] = HexDigit(value & 0xF);
            Append(pair);
        }
    }

    /// <summary>
    /// The verdict on <paramref name="receiver"/>'s upload: <c>ok LENGTH sha256 HEX, jumping to 0xENTRY</c>,
    /// or <c>error: REASON</c> with what it saw where that helps (the bytes of a truncated payload,
    /// the digest of a mismatched one).
    /// </summary>
    /// <remarks>
    /// A version 2 image's ok line names its parts instead, in table order, then the boot:
    /// <c>ok linux kernel 5448192 + dtb 23405 + initrd 1100000 + cmdline 40 sha256 ok, jumping to 0x42000000</c>
    /// (<c>linux</c> only for protocols 1 and 2); its mismatch names the part: <c>error: sha256 mismatch: dtb received HEX</c>.
    /// </remarks>
    public void AppendVerdict<TDestination>(KernelReceiver<TDestination> receiver, ImageError verdict)
        where TDestination : struct, IPayloadDestination
    {
        bool version2 = receiver.FormatVersion == KernelImageParts.Version && receiver.HeaderAccepted;
        if (verdict == ImageError.None && version2)
        {
            Append("ok "u8);
            if (receiver.Protocol != BootProtocol.Unikernel)
                Append("linux "u8);
            var parts = receiver.Parts;
            for (int i = 0; i < parts.PartCount; i++)
            {
                if (i > 0)
                    Append(" + "u8);
                Append(PartWord(parts.Part(i).Kind));
                Append(" "u8);
                AppendDecimal(parts.Part(i).Length);
            }
            Append(" sha256 ok, jumping to 0x"u8);
            AppendHex(receiver.EntryPoint, 8);
            return;
        }
        if (verdict == ImageError.None)
        {
            Append("ok "u8);
            AppendDecimal(receiver.PayloadLength);
            Append(" sha256 "u8);
            AppendHex(receiver.ReceivedSha256);
            Append(", jumping to 0x"u8);
            AppendHex(receiver.EntryPoint, 8);
            return;
        }
        Append("error: "u8);
        Append(ImageErrorText.Describe(verdict));
        if (verdict == ImageError.PayloadTruncated)
        {
            Append(": "u8);
            AppendDecimal(receiver.PayloadReceived);
            Append(" of "u8);
            AppendDecimal(receiver.PayloadLength);
            Append(" bytes"u8);
        }
        else if (verdict == ImageError.DeviceTreeRefused)
        {
            Append(": "u8);
            Append(FlattenedDeviceTree.Describe(receiver.DeviceTreeError));
        }
        else if (verdict == ImageError.Sha256Mismatch)
        {
            Append(": "u8);
            if (version2 && receiver.MismatchedPart >= 0)
            {
                Append(PartWord(receiver.Parts.Part(receiver.MismatchedPart).Kind));
                Append(" "u8);
            }
            Append("received "u8);
            AppendHex(receiver.ReceivedSha256);
        }
    }

    /// <summary>A part's kind in the ok line: kernel, dtb, initrd, cmdline (U-Boot's and Linux's words).</summary>
    public static ReadOnlySpan<byte> PartWord(PartKind kind) => kind switch
    {
        PartKind.Kernel => "kernel"u8,
        PartKind.DeviceTree => "dtb"u8,
        PartKind.Initrd => "initrd"u8,
        _ => "cmdline"u8,
    };

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);
}
