using System.Buffers.Binary;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>What <see cref="Reassembly.Add"/> did with a fragment.</summary>
internal enum FragmentOutcome : byte
{
    /// <summary>Kept; the datagram still has holes.</summary>
    Stored,

    /// <summary>Kept, and it was the last piece: <see cref="Reassembly.Datagram"/> is whole.</summary>
    Complete,

    /// <summary>The same offset and length as a fragment already held: dropped, the datagram goes on.</summary>
    Duplicate,

    /// <summary>It overlaps another fragment or contradicts the datagram's end: the datagram is abandoned, and so is every later fragment of it.</summary>
    Overlap,

    /// <summary>A new datagram and every buffer is busy with another: dropped.</summary>
    NoBuffer,

    /// <summary>Its data ends past <see cref="Reassembly.Capacity"/>; the caller checks this first.</summary>
    TooLarge,
}

/// <summary>
/// Datagrams being put back together from their fragments, both families (RFC 791 section 3.2,
/// RFC 8200 section 4.5): a fixed number of buffers made at start-up, each keyed by source,
/// destination, identification and, for IPv4, protocol (IPv4 addresses are IPv4-mapped, so the
/// families never meet). A buffer holds the first fragment's headers in <see cref="HeaderRoom"/>
/// bytes right before the data, so the whole datagram is one span when it completes; a bitmap of
/// 8-byte blocks says what arrived.
/// </summary>
/// <remarks>
/// <para>Any overlap abandons the datagram (RFC 5722 for IPv6; we apply it to IPv4 too, where
/// RFC 791 would let the later copy win): the buffer stays marked until its timeout, so later
/// fragments of it are dropped as well, but a new datagram may take a marked buffer before then.
/// An exact duplicate (same offset and length as one held) is dropped alone; the datagram goes on.</para>
/// <para>A new datagram when every buffer is busy (and none is marked) is dropped: the ones in
/// progress are not pushed out by a flood of new ones. The price: fragments whose datagram never
/// completes hold their buffer for the whole timeout, so a flood of lone fragments keeps new
/// datagrams out until it stops (the fuzz test sees this as most of its fragment drops).</para>
/// <para>Each datagram has <see cref="TimeoutMilliseconds"/> from its first fragment (RFC 8200
/// section 4.5's 60 seconds, used for IPv4 too).</para>
/// </remarks>
internal sealed class Reassembly
{
    /// <summary>
    /// Room for the unfragmentable part before the data: an IPv4 header with options (60 bytes)
    /// or the IPv6 header and 88 bytes of extension headers before the Fragment header.
    /// </summary>
    public const int HeaderRoom = 128;

    /// <summary>RFC 8200 section 4.5: reassembly is abandoned 60 seconds after the first fragment arrived.</summary>
    public const long TimeoutMilliseconds = 60_000;

    /// <summary>Both families count fragment offsets in 8 octets (RFC 791 section 3.1, RFC 8200 section 4.5): the bitmap's block.</summary>
    private const int Block = Ipv6FragmentHeader.Unit;
    private const int BitsPerWord = 64;

    private readonly byte[] _data;
    private readonly ulong[] _received;
    private readonly ulong[] _starts;
    private readonly ulong[] _ends;
    private readonly Slot[] _slots;
    private readonly int _capacity;
    private readonly int _words;

    private struct Slot
    {
        public bool InUse;
        public bool Abandoned;
        public Ipv6Address Source;
        public Ipv6Address Destination;
        public uint Identification;
        public byte Protocol;
        public long Deadline;

        /// <summary>The datagram's data length once the last fragment said it; -1 before.</summary>
        public int Total;
        public int ReceivedBytes;
        public int HighestEnd;

        /// <summary>The first fragment's headers, before the data; 0 until it arrives.</summary>
        public int HeaderLength;
        public int FirstLength;
        public MacAddress SourceMac;

        /// <summary>IPv6: where in the headers the Next Header naming the Fragment header is, and the first fragment's Fragment header.</summary>
        public int NextHeaderField;
        public ulong FragmentHeader;
    }

    /// <param name="buffers">Datagrams reassembled at once.</param>
    /// <param name="largestDatagram">The most data (what follows the IP headers) one may carry.</param>
    public Reassembly(int buffers, int largestDatagram)
    {
        if (buffers < 1 || largestDatagram < Block)
            Kernel.Panic("Reassembly: needs at least one buffer of at least 8 bytes"u8);
        _capacity = (largestDatagram + Block - 1) / Block * Block;
        _words = (_capacity / Block + BitsPerWord - 1) / BitsPerWord;
        _data = new byte[buffers * (HeaderRoom + _capacity)];
        _received = new ulong[buffers * _words];
        _starts = new ulong[buffers * _words];
        _ends = new ulong[buffers * _words];
        _slots = new Slot[buffers];
    }

    /// <summary>
    /// A fragment's data fits the rule of both families (RFC 791 section 3.2, RFC 8200 section
    /// 4.5): every fragment but the last (<paramref name="more"/>) carries a non-zero multiple of 8 bytes.
    /// </summary>
    public static bool HasWholeBlocks(bool more, int length) => !more || (length > 0 && length % Block == 0);

    /// <summary>The most data bytes a datagram may carry here.</summary>
    public int Capacity => _capacity;

    public int Buffers => _slots.Length;

    /// <summary>Buffers holding a datagram (abandoned ones included).</summary>
    public int InUse
    {
        get
        {
            int count = 0;
            for (int i = 0; i < _slots.Length; i++)
            {
                if (_slots[i].InUse)
                    count++;
            }
            return count;
        }
    }

    /// <summary>The earliest timeout of a datagram held, <see cref="long.MaxValue"/> when none.</summary>
    public long NextDeadline
    {
        get
        {
            long next = long.MaxValue;
            for (int i = 0; i < _slots.Length; i++)
            {
                if (_slots[i].InUse && _slots[i].Deadline < next)
                    next = _slots[i].Deadline;
            }
            return next;
        }
    }

    /// <summary>
    /// Takes one fragment: <paramref name="offset"/> and <paramref name="data"/> in the datagram's
    /// data, <paramref name="more"/> its M flag. The caller has checked that every fragment but
    /// the last carries a non-zero multiple of 8 bytes (<see cref="HasWholeBlocks"/>). <paramref name="slot"/> is the buffer used.
    /// </summary>
    public FragmentOutcome Add(in Ipv6Address source, in Ipv6Address destination, uint identification, byte protocol, int offset, bool more,
        ReadOnlySpan<byte> data, long now, out int slot)
    {
        int end = offset + data.Length;
        slot = Find(source, destination, identification, protocol);
        if (end > _capacity)
            return FragmentOutcome.TooLarge;
        if (slot >= 0 && _slots[slot].Abandoned)
            return FragmentOutcome.Overlap;
        if (slot < 0)
        {
            slot = Allocate();
            if (slot < 0)
                return FragmentOutcome.NoBuffer;
            Start(slot, source, destination, identification, protocol, now);
        }
        ref Slot entry = ref _slots[slot];
        if (!more)
        {
            if ((entry.Total >= 0 && entry.Total != end) || entry.HighestEnd > end)
                return Abandon(slot);
        }
        else if (entry.Total >= 0 && end > entry.Total)
            return Abandon(slot);

        if (data.Length > 0)
        {
            int first = offset / Block;
            int last = (end - 1) / Block;
            if (AnySet(_received, slot, first, last))
                return IsExactDuplicate(slot, first, last) ? FragmentOutcome.Duplicate : Abandon(slot);
            SetRange(_received, slot, first, last);
            SetBit(_starts, slot, first);
            SetBit(_ends, slot, last);
            data.CopyTo(_data.AsSpan(slot * (HeaderRoom + _capacity) + HeaderRoom + offset));
            entry.ReceivedBytes += data.Length;
            if (end > entry.HighestEnd)
                entry.HighestEnd = end;
            if (offset == 0)
                entry.FirstLength = data.Length;
        }
        if (!more)
            entry.Total = end;
        return entry.Total > 0 && entry.ReceivedBytes == entry.Total ? FragmentOutcome.Complete : FragmentOutcome.Stored;
    }

    /// <summary>
    /// Keeps the first fragment's headers (at most <see cref="HeaderRoom"/> bytes, the caller
    /// checks) right before the data, who sent it, and, for IPv6, its Fragment header and where
    /// the Next Header to rewrite is.
    /// </summary>
    public void SetFirst(int slot, ReadOnlySpan<byte> headers, MacAddress sourceMac, int nextHeaderField, ReadOnlySpan<byte> fragmentHeader)
    {
        ref Slot entry = ref _slots[slot];
        entry.HeaderLength = headers.Length;
        entry.SourceMac = sourceMac;
        entry.NextHeaderField = nextHeaderField;
        entry.FragmentHeader = fragmentHeader.Length >= sizeof(ulong) ? BinaryPrimitives.ReadUInt64BigEndian(fragmentHeader) : 0;
        headers.CopyTo(_data.AsSpan(slot * (HeaderRoom + _capacity) + HeaderRoom - headers.Length));
    }

    /// <summary>The first fragment's headers and all the data, one span, once <see cref="FragmentOutcome.Complete"/>.</summary>
    public Span<byte> Datagram(int slot)
    {
        ref Slot entry = ref _slots[slot];
        return _data.AsSpan(slot * (HeaderRoom + _capacity) + HeaderRoom - entry.HeaderLength, entry.HeaderLength + entry.Total);
    }

    /// <summary>The first fragment's headers as they arrived (empty if it has not).</summary>
    public ReadOnlySpan<byte> FirstHeaders(int slot) =>
        _data.AsSpan(slot * (HeaderRoom + _capacity) + HeaderRoom - _slots[slot].HeaderLength, _slots[slot].HeaderLength);

    /// <summary>The first fragment's data.</summary>
    public ReadOnlySpan<byte> FirstData(int slot) => _data.AsSpan(slot * (HeaderRoom + _capacity) + HeaderRoom, _slots[slot].FirstLength);

    /// <summary>The first fragment has arrived and the datagram was not abandoned: a timeout is worth telling the source.</summary>
    public bool HasFirst(int slot) => _slots[slot].HeaderLength > 0 && !_slots[slot].Abandoned;

    public Ipv6Address SourceOf(int slot) => _slots[slot].Source;

    public Ipv6Address DestinationOf(int slot) => _slots[slot].Destination;

    public MacAddress SourceMacOf(int slot) => _slots[slot].SourceMac;

    /// <summary>The IPv4 datagram's protocol (0 for IPv6, whose upper layer is in <see cref="FirstNextHeader"/>).</summary>
    public byte ProtocolOf(int slot) => _slots[slot].Protocol;

    public int NextHeaderFieldOf(int slot) => _slots[slot].NextHeaderField;

    /// <summary>The Next Header of the first fragment's Fragment header: the fragmentable part's first header (IPv6).</summary>
    public byte FirstNextHeader(int slot) => (byte)(_slots[slot].FragmentHeader >> 56);

    /// <summary>The first fragment's Fragment header, written into <paramref name="destination"/> (IPv6).</summary>
    public void CopyFragmentHeader(int slot, Span<byte> destination) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination, _slots[slot].FragmentHeader);

    /// <summary>A datagram whose time ran out at <paramref name="now"/>, or -1; the caller reports it and calls <see cref="Release"/>.</summary>
    public int TakeExpired(long now)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].InUse && _slots[i].Deadline <= now)
                return i;
        }
        return -1;
    }

    /// <summary>Frees the buffer: the datagram was delivered or is given up.</summary>
    public void Release(int slot)
    {
        _slots[slot].InUse = false;
        _slots[slot].Abandoned = false;
        _received.AsSpan(slot * _words, _words).Clear();
        _starts.AsSpan(slot * _words, _words).Clear();
        _ends.AsSpan(slot * _words, _words).Clear();
    }

    private int Find(in Ipv6Address source, in Ipv6Address destination, uint identification, byte protocol)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            ref Slot entry = ref _slots[i];
            if (entry.InUse && entry.Identification == identification && entry.Protocol == protocol && entry.Source == source
                && entry.Destination == destination)
                return i;
        }
        return -1;
    }

    /// <summary>A free buffer, else one whose datagram was abandoned, else -1.</summary>
    private int Allocate()
    {
        int abandoned = -1;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (!_slots[i].InUse)
                return i;
            if (_slots[i].Abandoned && abandoned < 0)
                abandoned = i;
        }
        if (abandoned >= 0)
            Release(abandoned);
        return abandoned;
    }

    private void Start(int slot, in Ipv6Address source, in Ipv6Address destination, uint identification, byte protocol, long now)
    {
        _slots[slot] = new Slot
        {
            InUse = true,
            Source = source,
            Destination = destination,
            Identification = identification,
            Protocol = protocol,
            Deadline = now + TimeoutMilliseconds,
            Total = -1,
        };
    }

    private FragmentOutcome Abandon(int slot)
    {
        _slots[slot].Abandoned = true;
        return FragmentOutcome.Overlap;
    }

    /// <summary>Blocks <paramref name="first"/> to <paramref name="last"/> are exactly one fragment already held: it starts at the first, ends at the last, and no other starts or ends inside.</summary>
    private bool IsExactDuplicate(int slot, int first, int last)
    {
        if (!IsBitSet(_starts, slot, first) || !IsBitSet(_ends, slot, last))
            return false;
        for (int block = first; block <= last; block++)
        {
            if (!IsBitSet(_received, slot, block) || (block > first && IsBitSet(_starts, slot, block)) || (block < last && IsBitSet(_ends, slot, block)))
                return false;
        }
        return true;
    }

    private bool AnySet(ulong[] bits, int slot, int first, int last)
    {
        for (int block = first; block <= last; block++)
        {
            if (IsBitSet(bits, slot, block))
                return true;
        }
        return false;
    }

    private void SetRange(ulong[] bits, int slot, int first, int last)
    {
        for (int block = first; block <= last; block++)
            SetBit(bits, slot, block);
    }

    private bool IsBitSet(ulong[] bits, int slot, int block) => (bits[slot * _words + block / BitsPerWord] & 1UL << (block % BitsPerWord)) != 0;

    private void SetBit(ulong[] bits, int slot, int block) => bits[slot * _words + block / BitsPerWord] |= 1UL << (block % BitsPerWord);
}
