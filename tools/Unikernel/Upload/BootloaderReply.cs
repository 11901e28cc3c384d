using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Upload;

/// <summary>
/// What the bootloader answered (docs/image-format.md, "The upload reply"): its first line is
/// the verdict, <c>ok BYTES sha256 HEX, jumping to 0xENTRY</c> or <c>error: REASON</c>; any
/// further lines are for the reader.
/// </summary>
public sealed partial record BootloaderReply(IReadOnlyList<string> Lines)
{
    [GeneratedRegex(@"^ok (\d+) sha256 ([0-9a-fA-F]{64}), jumping to 0x([0-9a-fA-F]+)$")]
    private static partial Regex OkLine();

    public static BootloaderReply Parse(string text) =>
        new(text.Replace("\r\n", "\n").Split('\n').Where(line => line.Length > 0).ToList());

    /// <summary>The verdict line; empty if the bootloader said nothing.</summary>
    public string Verdict => Lines.Count > 0 ? Lines[0] : "";

    /// <summary>True if the verdict is <c>ok</c>.</summary>
    public bool IsOk => Verdict == "ok" || Verdict.StartsWith("ok ", StringComparison.Ordinal);

    /// <summary>
    /// Null if the reply is ok and, where the ok line has the documented form, its length,
    /// hash and entry are what was sent; else why not.
    /// </summary>
    public string? Mismatch(UploadImage sent)
    {
        if (!IsOk)
            return Verdict.Length == 0 ? "the bootloader closed the connection without a reply" : null;
        var match = OkLine().Match(Verdict);
        if (!match.Success)
            return null;
        long bytes = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (bytes != sent.Payload.Length)
            return $"the bootloader says it took {bytes} bytes; we sent a payload of {sent.Payload.Length}";
        if (!string.Equals(match.Groups[2].Value, sent.Sha256, StringComparison.OrdinalIgnoreCase))
            return $"the bootloader's sha256 {match.Groups[2].Value} is not the payload's {sent.Sha256}";
        if (!ulong.TryParse(match.Groups[3].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong entry) || entry != sent.EntryPoint)
            return $"the bootloader jumps to 0x{match.Groups[3].Value}; the image's entry point is {AddressArgument.Format(sent.EntryPoint)}";
        return null;
    }
}
