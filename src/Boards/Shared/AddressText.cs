using Unikernel.Net.Wire;

namespace Unikernel.Boot;

/// <summary>
/// The network stack's addresses on a console, as the boot log prints them. Beside the boards, not
/// in <see cref="ConsoleText{TConsole}"/>: the platform's console knows nothing of the stack.
/// </summary>
internal static class AddressText<TConsole> where TConsole : IConsole
{
    public static void Write(MacAddress address)
    {
        Span<byte> text = stackalloc byte[MacAddress.MaxFormattedLength];
        address.TryFormat(text, out int length);
        TConsole.Write(text.Slice(0, length));
    }

    /// <summary>RFC 5952 text: lower case, the longest run of zero groups as <c>::</c>.</summary>
    public static void Write(Ipv6Address address)
    {
        Span<byte> text = stackalloc byte[Ipv6Address.MaxFormattedLength];
        address.TryFormat(text, out int length);
        TConsole.Write(text.Slice(0, length));
    }

    public static void Write(Ipv4Address address)
    {
        Span<byte> text = stackalloc byte[Ipv4Address.MaxFormattedLength];
        address.TryFormat(text, out int length);
        TConsole.Write(text.Slice(0, length));
    }
}
