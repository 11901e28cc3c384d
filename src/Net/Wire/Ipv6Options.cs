namespace Unikernel.Net.Wire;

/// <summary>
/// A view of the options of a Hop-by-Hop or Destination Options header (RFC 8200 section
/// 4.2): the bytes after its Next Header and Hdr Ext Len octets, a run of type-length-value
/// options. Pad1 is a lone zero octet; every other option is type, data length, data.
/// </summary>
/// <remarks>
/// We recognise Pad1, PadN and Router Alert (RFC 2711, whose meaning is for routers); any
/// other option is unrecognised and its type's <see cref="ActionOf">action bits</see> say what
/// becomes of the packet. Call <see cref="Check"/> first; the constructor checks nothing.
/// </remarks>
public readonly ref struct Ipv6Options
{
    public const byte Pad1 = 0;
    public const byte PadN = 1;

    /// <summary>Router Alert (RFC 2711): action bits 00, so skipping it is also what an unknowing node does.</summary>
    public const byte RouterAlert = 5;

    /// <summary>Type and data length, before an option's data.</summary>
    public const int OptionHeaderLength = 2;

    /// <summary>The action bits are the option type's two high-order bits (RFC 8200 section 4.2).</summary>
    private const int ActionShift = 6;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public Ipv6Options(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>What to do with an unrecognised option of this type.</summary>
    public static Ipv6OptionAction ActionOf(byte type) => (Ipv6OptionAction)(type >> ActionShift);

    /// <summary>True for the options this stack recognises.</summary>
    public static bool IsRecognized(byte type) => type == Pad1 || type == PadN || type == RouterAlert;

    /// <summary>
    /// Walks the options in order, as a node processes them (RFC 8200 section 4.2). Stops at the
    /// first unrecognised option whose action is not <see cref="Ipv6OptionAction.Skip"/>: that is
    /// <see cref="WireError.Unsupported"/>, with <paramref name="unrecognized"/> its offset in these
    /// bytes. An option whose length runs past the end is <see cref="WireError.BadFormat"/>.
    /// Otherwise true, and <paramref name="unrecognized"/> is -1.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> options, out int unrecognized, out WireError reason)
    {
        unrecognized = -1;
        int index = 0;
        while (index < options.Length)
        {
            byte type = options[index];
            if (type == Pad1)
            {
                index++;
                continue;
            }
            int left = options.Length - index;
            if (left < OptionHeaderLength || left - OptionHeaderLength < options[index + 1])
            {
                reason = WireError.BadFormat;
                return false;
            }
            if (!IsRecognized(type) && ActionOf(type) != Ipv6OptionAction.Skip)
            {
                unrecognized = index;
                reason = WireError.Unsupported;
                return false;
            }
            index += OptionHeaderLength + options[index + 1];
        }
        reason = WireError.None;
        return true;
    }

    /// <summary>The bytes this view covers.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary><see cref="Check"/> on this view's bytes.</summary>
    public bool Check(out int unrecognized, out WireError reason) => Check(_buffer, out unrecognized, out reason);
}
