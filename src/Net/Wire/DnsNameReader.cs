namespace Unikernel.Net.Wire;

/// <summary>
/// Walks the labels of a domain name inside a DNS message (RFC 1035 section 4.1.4), following
/// compression pointers. Every length is checked against the message; a pointer must point
/// before the label that holds it and at most <see cref="MaximumPointers"/> are followed, so a
/// loop of pointers ends; a name longer than 255 octets is malformed (RFC 1035 section 2.3.4).
/// </summary>
/// <remarks>
/// <see cref="TryNext"/> returns each label (without its length octet); false at the root label
/// with <see cref="IsMalformed"/> clear, or false with it set when the name cannot be read. The
/// label types 01 and 10 (RFC 6891 section 5) are malformed here.
/// </remarks>
public ref struct DnsNameReader
{
    /// <summary>Pointers followed in one name at most: more than any sane message needs (a name has at most 127 labels).</summary>
    public const int MaximumPointers = 16;

    /// <summary>The top two bits of a length octet that make it a pointer (RFC 1035 section 4.1.4).</summary>
    public const byte PointerBits = 0xC0;

    private readonly ReadOnlySpan<byte> _message;
    private int _offset;
    private int _pointers;
    private int _length;
    private bool _done;

    public DnsNameReader(ReadOnlySpan<byte> message, int offset)
    {
        _message = message;
        _offset = offset;
        _pointers = 0;
        _length = 0;
        _done = false;
        IsMalformed = false;
    }

    /// <summary>The name ran past the message, looped, used an unknown label type or exceeded 255 octets.</summary>
    public bool IsMalformed { get; private set; }

    public bool TryNext(out ReadOnlySpan<byte> label)
    {
        label = default;
        while (!_done)
        {
            if ((uint)_offset >= (uint)_message.Length)
                return Fail();
            byte first = _message[_offset];
            if ((first & PointerBits) == PointerBits)
            {
                if (_offset + 1 >= _message.Length || ++_pointers > MaximumPointers)
                    return Fail();
                int target = (first & ~PointerBits) << 8 | _message[_offset + 1];
                // Backwards only: a pointer to itself or ahead could loop.
                if (target >= _offset)
                    return Fail();
                _offset = target;
                continue;
            }
            if ((first & PointerBits) != 0)
                return Fail();
            // Each label costs its length octet; the root's one octet ends the name.
            _length += first + 1;
            if (_length + 1 > DnsName.MaximumLength)
                return Fail();
            if (first == 0)
            {
                _done = true;
                return false;
            }
            if (_message.Length - (_offset + 1) < first)
                return Fail();
            label = _message.Slice(_offset + 1, first);
            _offset += 1 + first;
            return true;
        }
        return false;
    }

    private bool Fail()
    {
        IsMalformed = true;
        _done = true;
        return false;
    }
}
