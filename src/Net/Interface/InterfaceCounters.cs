using System.Runtime.CompilerServices;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// What <see cref="NetworkInterface.Process"/> did with every frame: each one is counted as
/// received and then exactly once as replied, absorbed (accepted, nothing to send) or dropped
/// for one <see cref="DropReason"/>, so <see cref="Received"/> always equals <see cref="Accounted"/>.
/// </summary>
/// <remarks>
/// Drop reasons are counters, not log lines (style item 11): the console prints them on demand,
/// without allocating, through <see cref="TryFormat"/> or line by line with <see cref="TryFormatLine"/>.
/// </remarks>
public struct InterfaceCounters
{
    /// <summary>One past the last <see cref="DropReason"/>.</summary>
    public const int DropReasonCount = (int)DropReason.UnexpectedDnsAnswer + 1;

    /// <summary>One past the last <see cref="WireError"/>: the malformed breakdown is indexed by it.</summary>
    public const int WireErrorCount = (int)WireError.TooManyHeaders + 1;

    /// <summary>One past the last <see cref="SendDropReason"/>.</summary>
    public const int SendDropReasonCount = (int)SendDropReason.QueueFull + 1;

    /// <summary>received, replied, absorbed, one per drop reason, one per malformed kind, sent, one per send drop reason, reassembled, reassembly timeouts.</summary>
    public const int LineCount = 3 + DropReasonCount + MalformedKindCount + 1 + SendDropReasonCount + 2;

    /// <summary>The longest line: a name of at most 30 characters, a space, 20 digits, a newline.</summary>
    public const int MaxLineLength = 52;

    /// <summary>Enough for <see cref="TryFormat"/>: every line at its longest.</summary>
    public const int MaxFormattedLength = LineCount * MaxLineLength;

    // Truncated, BadVersion, BadHeaderLength, BadLength, BadFormat, TooManyHeaders: the
    // WireErrors that mean malformed (BadChecksum and Unsupported have drop reasons of their own).
    private const int MalformedKindCount = 6;

    private ulong _received;
    private ulong _replied;
    private ulong _absorbed;
    private ulong _dropped;
    private DropSlots _drops;
    private MalformedSlots _malformed;
    private ulong _sent;
    private SendDropSlots _sendDrops;
    private ulong _reassembled;
    private ulong _reassemblyTimeouts;

    [InlineArray(SendDropReasonCount)]
    private struct SendDropSlots
    {
        private ulong _first;
    }

    [InlineArray(DropReasonCount)]
    private struct DropSlots
    {
        private ulong _first;
    }

    [InlineArray(WireErrorCount)]
    private struct MalformedSlots
    {
        private ulong _first;
    }

    /// <summary>Every frame handed to <see cref="NetworkInterface.Process"/>.</summary>
    public readonly ulong Received => _received;

    /// <summary>Frames answered with a reply frame.</summary>
    public readonly ulong Replied => _replied;

    /// <summary>Frames accepted that ask for no answer: an ARP reply we learned from.</summary>
    public readonly ulong Absorbed => _absorbed;

    /// <summary>Frames dropped for <paramref name="reason"/>.</summary>
    public readonly ulong this[DropReason reason] => (uint)reason < DropReasonCount ? _drops[(int)reason] : 0;

    /// <summary>Frames dropped as <see cref="DropReason.Malformed"/> because a view's Check said <paramref name="error"/>.</summary>
    public readonly ulong Malformed(WireError error) => (uint)error < WireErrorCount ? _malformed[(int)error] : 0;

    /// <summary>The sum over every drop reason.</summary>
    public readonly ulong Dropped => _dropped;

    /// <summary>Replied, absorbed and dropped: equals <see cref="Received"/> between two calls to Process.</summary>
    public readonly ulong Accounted => _replied + _absorbed + Dropped;

    /// <summary>Frames <see cref="NetworkInterface.Poll"/> gave out to send (replies from Process are counted as replied).</summary>
    public readonly ulong Sent => _sent;

    /// <summary>Frames or datagrams we meant to send and could not, for <paramref name="reason"/>.</summary>
    public readonly ulong this[SendDropReason reason] => (uint)reason < SendDropReasonCount ? _sendDrops[(int)reason] : 0;

    /// <summary>Datagrams put back together from fragments (the frame that completed one is counted by what became of the datagram).</summary>
    public readonly ulong Reassembled => _reassembled;

    /// <summary>Datagrams given up because their fragments did not all arrive in time (RFC 8200 section 4.5).</summary>
    public readonly ulong ReassemblyTimeouts => _reassemblyTimeouts;

    internal void CountReassembled() => _reassembled++;

    internal void CountReassemblyTimeout() => _reassemblyTimeouts++;

    internal void CountSent() => _sent++;

    internal void CountSendDrop(SendDropReason reason) => _sendDrops[(int)reason]++;

    internal void CountReceived() => _received++;

    internal void CountReplied() => _replied++;

    internal void CountAbsorbed() => _absorbed++;

    internal void CountDrop(DropReason reason, WireError error)
    {
        _drops[(int)reason]++;
        _dropped++;
        if (reason == DropReason.Malformed)
            _malformed[(int)error]++;
    }

    /// <summary>Writes every line, "received 12\n" and so on; a destination too small gets nothing.</summary>
    public readonly bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        int position = 0;
        Span<byte> line = stackalloc byte[MaxLineLength];
        for (int i = 0; i < LineCount; i++)
        {
            TryFormatLine(i, line, out int length);
            if (utf8Destination.Length - position < length)
            {
                bytesWritten = 0;
                return false;
            }
            line.Slice(0, length).CopyTo(utf8Destination.Slice(position));
            position += length;
        }
        bytesWritten = position;
        return true;
    }

    /// <summary>
    /// Writes line <paramref name="index"/> (0 to <see cref="LineCount"/> - 1), newline included,
    /// e.g. "drop.bad-checksum 3\n"; false for an index out of range or a destination too small.
    /// </summary>
    public readonly bool TryFormatLine(int index, Span<byte> utf8Destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if ((uint)index >= LineCount)
            return false;
        ReadOnlySpan<byte> name;
        ulong value;
        if (index == 0)
        {
            name = "received"u8;
            value = _received;
        }
        else if (index == 1)
        {
            name = "replied"u8;
            value = _replied;
        }
        else if (index == 2)
        {
            name = "absorbed"u8;
            value = _absorbed;
        }
        else if (index < 3 + DropReasonCount)
        {
            var reason = (DropReason)(index - 3);
            name = Name(reason);
            value = this[reason];
        }
        else if (index < 3 + DropReasonCount + MalformedKindCount)
        {
            // Malformed kinds are WireError.Truncated.. in order, skipping the two with their own reason.
            WireError error = MalformedKind(index - 3 - DropReasonCount);
            name = Name(error);
            value = Malformed(error);
        }
        else if (index == 3 + DropReasonCount + MalformedKindCount)
        {
            name = "sent"u8;
            value = _sent;
        }
        else if (index == LineCount - 2)
        {
            name = "reassembled"u8;
            value = _reassembled;
        }
        else if (index == LineCount - 1)
        {
            name = "reassembly.timeout"u8;
            value = _reassemblyTimeouts;
        }
        else
        {
            var reason = (SendDropReason)(index - 4 - DropReasonCount - MalformedKindCount);
            name = Name(reason);
            value = this[reason];
        }

        Span<byte> digits = stackalloc byte[20];
        int count = 0;
        do
        {
            digits[19 - count++] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);

        int length = name.Length + 1 + count + 1;
        if (utf8Destination.Length < length)
            return false;
        name.CopyTo(utf8Destination);
        utf8Destination[name.Length] = (byte)' ';
        digits.Slice(20 - count).CopyTo(utf8Destination.Slice(name.Length + 1));
        utf8Destination[length - 1] = (byte)'\n';
        bytesWritten = length;
        return true;
    }

    private static WireError MalformedKind(int index) => index switch
    {
        0 => WireError.Truncated,
        1 => WireError.BadVersion,
        2 => WireError.BadHeaderLength,
        3 => WireError.BadLength,
        4 => WireError.BadFormat,
        _ => WireError.TooManyHeaders,
    };

    private static ReadOnlySpan<byte> Name(DropReason reason) => reason switch
    {
        DropReason.NotForUs => "drop.not-for-us"u8,
        DropReason.NotOurAddress => "drop.not-our-address"u8,
        DropReason.Malformed => "drop.malformed"u8,
        DropReason.BadChecksum => "drop.bad-checksum"u8,
        DropReason.BadHopLimit => "drop.bad-hop-limit"u8,
        DropReason.InvalidSource => "drop.invalid-source"u8,
        DropReason.Unsupported => "drop.unsupported"u8,
        DropReason.ClosedPort => "drop.closed-port"u8,
        DropReason.QueueFull => "drop.queue-full"u8,
        DropReason.BadFragment => "drop.bad-fragment"u8,
        DropReason.FragmentOverlap => "drop.fragment-overlap"u8,
        DropReason.DuplicateFragment => "drop.duplicate-fragment"u8,
        DropReason.NoReassemblyBuffer => "drop.no-reassembly-buffer"u8,
        DropReason.UnexpectedDnsAnswer => "drop.unexpected-dns-answer"u8,
        _ => "drop.reply-buffer-too-small"u8,
    };

    private static ReadOnlySpan<byte> Name(SendDropReason reason) => reason switch
    {
        SendDropReason.Unresolved => "send.unresolved"u8,
        SendDropReason.NoRoute => "send.no-route"u8,
        _ => "send.queue-full"u8,
    };

    private static ReadOnlySpan<byte> Name(WireError error) => error switch
    {
        WireError.Truncated => "malformed.truncated"u8,
        WireError.BadVersion => "malformed.bad-version"u8,
        WireError.BadHeaderLength => "malformed.bad-header-length"u8,
        WireError.BadLength => "malformed.bad-length"u8,
        WireError.BadFormat => "malformed.bad-format"u8,
        _ => "malformed.too-many-headers"u8,
    };
}
