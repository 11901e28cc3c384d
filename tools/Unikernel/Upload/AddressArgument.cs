using System.Globalization;

namespace Unikernel.Tool.Upload;

/// <summary>A physical address given on the command line: hexadecimal with <c>0x</c>, or decimal.</summary>
public static class AddressArgument
{
    public static ulong Parse(string option, string text)
    {
        string trimmed = text.Trim().Replace("_", "");
        bool ok = trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(trimmed.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok)
            throw new UploadFailure($"{option} '{text}' is not an address: give hexadecimal with 0x (0x42000000) or decimal");
        return value;
    }

    public static string Format(ulong address) => $"0x{address:x}";
}
