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

    [GeneratedRegex(@"^ok (linux )?([a-z]+ \d+(?: \+ [a-z]+ \d+)*) sha256 ok, jumping to 0x([0-9a-fA-F]+)$")]
    private static partial Regex PartsOkLine();

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
        if (sent.Parts is not null)
            return PartsMismatch(sent);
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

    /// <summary>A version 2 ok line: <c>ok [linux ]kernel N + dtb N ... sha256 ok, jumping to 0xENTRY</c>, compared part by part.</summary>
    private string? PartsMismatch(UploadImage sent)
    {
        var match = PartsOkLine().Match(Verdict);
        if (!match.Success)
            return null;
        string expected = string.Join(" + ", sent.Parts!.Select(part =>
            $"{System.Text.Encoding.UTF8.GetString(Netboot.ReplyLine.PartWord(part.Kind))} {part.Bytes.Length}"));
        if (match.Groups[2].Value != expected)
            return $"the bootloader says it took '{match.Groups[2].Value}'; we sent '{expected}'";
        bool linux = sent.Protocol != Boot.Image.BootProtocol.Unikernel;
        if (match.Groups[1].Success != linux)
            return linux ? "the bootloader does not say it boots Linux; we sent a Linux image" : "the bootloader says it boots Linux; we sent a unikernel";
        if (!ulong.TryParse(match.Groups[3].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong entry) || entry != sent.EntryPoint)
            return $"the bootloader jumps to 0x{match.Groups[3].Value}; the image's entry point is {AddressArgument.Format(sent.EntryPoint)}";
        return null;
    }
}
