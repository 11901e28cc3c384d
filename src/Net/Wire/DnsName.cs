namespace Unikernel.Net.Wire;

/// <summary>
/// Domain names in DNS wire form (RFC 1035 section 3.1): labels of one length octet and up to
/// 63 octets, ending in the zero-length root label, 255 octets at most in all.
/// </summary>
public static class DnsName
{
    /// <summary>The longest name in wire form, length octets and root included (RFC 1035 section 2.3.4).</summary>
    public const int MaximumLength = 255;

    /// <summary>The longest label (RFC 1035 section 2.3.4).</summary>
    public const int MaximumLabelLength = 63;

    /// <summary>
    /// Writes the dotted text <paramref name="text"/> (such as <c>board.test</c>, a final dot
    /// allowed) in wire form, lower-cased, into <paramref name="wire"/>. False for an empty name,
    /// an empty label, a label over 63 octets, a name over 255, a space or control character,
    /// or a destination too short.
    /// </summary>
    public static bool TryEncode(ReadOnlySpan<byte> text, Span<byte> wire, out int length)
    {
        length = 0;
        if (text.Length > 0 && text[text.Length - 1] == (byte)'.')
            text = text.Slice(0, text.Length - 1);
        if (text.Length == 0)
            return false;
        int written = 0;
        int labelStart = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != (byte)'.')
            {
                if (text[i] <= (byte)' ' || text[i] == 0x7F)
                    return false;
                continue;
            }
            int labelLength = i - labelStart;
            if (labelLength == 0 || labelLength > MaximumLabelLength || written + 1 + labelLength + 1 > MaximumLength
                || written + 1 + labelLength + 1 > wire.Length)
                return false;
            wire[written++] = (byte)labelLength;
            for (int j = labelStart; j < i; j++)
                wire[written++] = Lower(text[j]);
            labelStart = i + 1;
        }
        wire[written++] = 0;
        length = written;
        return true;
    }

    /// <summary>The number of labels of a wire name with no pointers, or -1 if it is malformed.</summary>
    public static int CountLabels(ReadOnlySpan<byte> wire)
    {
        var reader = new DnsNameReader(wire, 0);
        int count = 0;
        while (reader.TryNext(out _))
            count++;
        return reader.IsMalformed ? -1 : count;
    }

    /// <summary>
    /// Where the name starting at <paramref name="offset"/> ends in place (after its root label
    /// or its first pointer), without following pointers; false if it runs past the message.
    /// </summary>
    public static bool TrySkip(ReadOnlySpan<byte> message, int offset, out int next)
    {
        next = 0;
        int length = 0;
        while ((uint)offset < (uint)message.Length)
        {
            byte first = message[offset];
            if ((first & DnsNameReader.PointerBits) == DnsNameReader.PointerBits)
            {
                if (offset + 2 > message.Length)
                    return false;
                next = offset + 2;
                return true;
            }
            if ((first & DnsNameReader.PointerBits) != 0)
                return false;
            length += first + 1;
            if (length > MaximumLength)
                return false;
            if (first == 0)
            {
                next = offset + 1;
                return true;
            }
            offset += 1 + first;
        }
        return false;
    }

    /// <summary>
    /// The name at <paramref name="offsetA"/> in <paramref name="messageA"/> and the one at
    /// <paramref name="offsetB"/> in <paramref name="messageB"/> are the same, ASCII case ignored
    /// (RFC 4343); false if either is malformed.
    /// </summary>
    public static bool Equal(ReadOnlySpan<byte> messageA, int offsetA, ReadOnlySpan<byte> messageB, int offsetB)
    {
        var a = new DnsNameReader(messageA, offsetA);
        var b = new DnsNameReader(messageB, offsetB);
        while (true)
        {
            bool moreA = a.TryNext(out var labelA);
            bool moreB = b.TryNext(out var labelB);
            if (moreA != moreB || a.IsMalformed || b.IsMalformed)
                return false;
            if (!moreA)
                return true;
            if (labelA.Length != labelB.Length)
                return false;
            for (int i = 0; i < labelA.Length; i++)
            {
                if (Lower(labelA[i]) != Lower(labelB[i]))
                    return false;
            }
        }
    }

    /// <summary>
    /// Writes the name at <paramref name="offset"/> as dotted text (no final dot; "." for the
    /// root); false if it is malformed or does not fit.
    /// </summary>
    public static bool TryFormat(ReadOnlySpan<byte> message, int offset, Span<byte> text, out int length)
    {
        length = 0;
        var reader = new DnsNameReader(message, offset);
        while (reader.TryNext(out var label))
        {
            int needed = (length == 0 ? 0 : 1) + label.Length;
            if (text.Length - length < needed)
                return false;
            if (length > 0)
                text[length++] = (byte)'.';
            label.CopyTo(text.Slice(length));
            length += label.Length;
        }
        if (reader.IsMalformed)
            return false;
        if (length == 0)
        {
            if (text.Length == 0)
                return false;
            text[length++] = (byte)'.';
        }
        return true;
    }

    /// <summary>
    /// Copies the name at <paramref name="offset"/> of <paramref name="message"/> into
    /// <paramref name="wire"/> uncompressed; false if it is malformed or does not fit.
    /// </summary>
    public static bool TryCopy(ReadOnlySpan<byte> message, int offset, Span<byte> wire, out int length)
    {
        length = 0;
        var reader = new DnsNameReader(message, offset);
        while (reader.TryNext(out var label))
        {
            if (wire.Length - length < 1 + label.Length + 1)
                return false;
            wire[length++] = (byte)label.Length;
            for (int i = 0; i < label.Length; i++)
                wire[length++] = Lower(label[i]);
        }
        if (reader.IsMalformed || wire.Length - length < 1)
            return false;
        wire[length++] = 0;
        return true;
    }

    private static byte Lower(byte value) => value >= (byte)'A' && value <= (byte)'Z' ? (byte)(value + ('a' - 'A')) : value;
}
