using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Unikernel.Net.Tcp;

namespace Unikernel.Net.Wire;

/// <summary>
/// The TCP options we understand, parsed out of a header's option bytes, or gathered to be
/// written into one (RFC 9293 section 3.2): MSS, window scale, SACK-permitted, timestamps and
/// SACK blocks. A plain value: parsing fills one on the stack, nothing is allocated.
/// </summary>
/// <remarks>
/// <para>
/// This is what was sent, not what applies: MSS, window scale and SACK-permitted mean something
/// only on a SYN (RFC 9293 section 3.7.1, RFC 7323 section 2.2, RFC 2018 section 2), and it is
/// the connection's business to ignore them elsewhere.
/// </para>
/// <para>
/// If an option appears twice, the later one wins, as in Linux; RFC 9293 does not say.
/// </para>
/// </remarks>
public struct TcpOptions
{
    /// <summary>The most option bytes a header can carry: data offset 15 words less the 20-byte fixed header (RFC 9293 section 3.1).</summary>
    public const int MaximumLength = 40;

    /// <summary>A SACK option of length 2 + 8n within 40 bytes holds at most four blocks (RFC 2018 section 3).</summary>
    public const int MaximumSackBlocks = 4;

    /// <summary>
    /// The largest window scale shift: RFC 7323 section 2.3 says a larger received value MUST be
    /// treated as 14, which keeps windows below 2^30 so sequence comparisons stay meaningful.
    /// </summary>
    public const int MaximumWindowScale = 14;

    public const int MssOptionLength = 4;
    public const int WindowScaleOptionLength = 3;
    public const int SackPermittedOptionLength = 2;
    public const int TimestampsOptionLength = 10;

    /// <summary>A SACK option's kind and length octets, before the blocks.</summary>
    public const int SackOptionHeaderLength = 2;

    /// <summary>Each SACK block: two 32-bit sequence numbers.</summary>
    public const int SackBlockLength = 8;

    /// <summary>True if an MSS option was present (or is to be written).</summary>
    public bool HasMss;

    /// <summary>The largest segment the sender of the option will accept, in octets of data (RFC 9293 section 3.7.1).</summary>
    public ushort Mss;

    /// <summary>True if a window scale option was present (or is to be written).</summary>
    public bool HasWindowScale;

    /// <summary>The shift count, already clamped to <see cref="MaximumWindowScale"/> when parsed.</summary>
    public byte WindowScale;

    /// <summary>True if a SACK-permitted option was present (or is to be written).</summary>
    public bool SackPermitted;

    /// <summary>True if a timestamps option was present (or is to be written).</summary>
    public bool HasTimestamps;

    /// <summary>TSval: the sender's timestamp clock (RFC 7323 section 3.2).</summary>
    public uint TimestampValue;

    /// <summary>TSecr: the most recent TSval the sender received, echoed (RFC 7323 section 3.2).</summary>
    public uint TimestampEcho;

    private int _sackBlockCount;
    private SackBlocks _sackBlocks;

    [InlineArray(MaximumSackBlocks)]
    private struct SackBlocks
    {
        private SackBlock _first;
    }

    /// <summary>How many SACK blocks were parsed (or are to be written), 0 to <see cref="MaximumSackBlocks"/>.</summary>
    public readonly int SackBlockCount => _sackBlockCount;

    /// <summary>The SACK block at <paramref name="index"/>, in the order sent (RFC 2018 section 4: the most recent first).</summary>
    public readonly SackBlock GetSackBlock(int index)
    {
        if ((uint)index >= (uint)_sackBlockCount)
            Kernel.Panic("TcpOptions.GetSackBlock: index past the block count"u8);
        return _sackBlocks[index];
    }

    /// <summary>Appends a block to be written; false, and nothing changed, if four are already there.</summary>
    public bool AddSackBlock(SackBlock block)
    {
        if (_sackBlockCount == MaximumSackBlocks)
            return false;
        _sackBlocks[_sackBlockCount++] = block;
        return true;
    }

    /// <summary>Forgets the SACK blocks.</summary>
    public void ClearSackBlocks() => _sackBlockCount = 0;

    /// <summary>
    /// Walks the option bytes of a header (RFC 9293 section 3.2): End of Option List stops the
    /// walk (what follows is padding), No-Operation is skipped, every other kind has a length
    /// octet counting kind and length, and unknown kinds are skipped by it.
    /// </summary>
    /// <returns>
    /// False, with <paramref name="parsed"/> empty, if the list is malformed: a length octet
    /// missing, below 2, or running past the end is <see cref="WireError.BadFormat"/> (the rest of
    /// the list cannot be found); a kind we know with the wrong length (MSS 4, window scale 3,
    /// SACK-permitted 2, timestamps 10, SACK 2 + 8n for n of 1 to 4) is <see cref="WireError.BadLength"/>.
    /// RFC 9293 section 3.1 requires being prepared for illegal lengths; dropping is the safe answer.
    /// </returns>
    public static bool TryParse(ReadOnlySpan<byte> options, out TcpOptions parsed, out WireError error)
    {
        parsed = default;
        int offset = 0;
        while (offset < options.Length)
        {
            byte kind = options[offset];
            if (kind == (byte)TcpOptionKind.EndOfList)
                break;
            if (kind == (byte)TcpOptionKind.Nop)
            {
                offset++;
                continue;
            }
            if (options.Length - offset < 2)
                return Fail(out parsed, out error, WireError.BadFormat);
            int length = options[offset + 1];
            if (length < 2 || length > options.Length - offset)
                return Fail(out parsed, out error, WireError.BadFormat);
            ReadOnlySpan<byte> option = options.Slice(offset, length);
            switch ((TcpOptionKind)kind)
            {
                case TcpOptionKind.MaximumSegmentSize:
                    if (length != MssOptionLength)
                        return Fail(out parsed, out error, WireError.BadLength);
                    parsed.HasMss = true;
                    parsed.Mss = BinaryPrimitives.ReadUInt16BigEndian(option.Slice(2));
                    break;
                case TcpOptionKind.WindowScale:
                    if (length != WindowScaleOptionLength)
                        return Fail(out parsed, out error, WireError.BadLength);
                    parsed.HasWindowScale = true;
                    // RFC 7323 section 2.3: log, but use 14. We leave the log to whoever counts.
                    parsed.WindowScale = option[2] > MaximumWindowScale ? (byte)MaximumWindowScale : option[2];
                    break;
                case TcpOptionKind.SackPermitted:
                    if (length != SackPermittedOptionLength)
                        return Fail(out parsed, out error, WireError.BadLength);
                    parsed.SackPermitted = true;
                    break;
                case TcpOptionKind.Timestamps:
                    if (length != TimestampsOptionLength)
                        return Fail(out parsed, out error, WireError.BadLength);
                    parsed.HasTimestamps = true;
                    parsed.TimestampValue = BinaryPrimitives.ReadUInt32BigEndian(option.Slice(2));
                    parsed.TimestampEcho = BinaryPrimitives.ReadUInt32BigEndian(option.Slice(6));
                    break;
                case TcpOptionKind.Sack:
                    int blocks = (length - SackOptionHeaderLength) / SackBlockLength;
                    if ((length - SackOptionHeaderLength) % SackBlockLength != 0 || blocks < 1 || blocks > MaximumSackBlocks)
                        return Fail(out parsed, out error, WireError.BadLength);
                    parsed._sackBlockCount = blocks;
                    for (int i = 0; i < blocks; i++)
                    {
                        ReadOnlySpan<byte> block = option.Slice(SackOptionHeaderLength + i * SackBlockLength);
                        parsed._sackBlocks[i] = new SackBlock(
                            new SeqNumber(BinaryPrimitives.ReadUInt32BigEndian(block)),
                            new SeqNumber(BinaryPrimitives.ReadUInt32BigEndian(block.Slice(4))));
                    }
                    break;
            }
            offset += length;
        }
        error = WireError.None;
        return true;
    }

    /// <summary>
    /// How many bytes <see cref="Write"/> will write for <paramref name="options"/>: a multiple
    /// of 4, at most <see cref="MaximumLength"/>, so a caller can size the header before writing.
    /// </summary>
    public static int Length(in TcpOptions options)
    {
        int length = FixedLength(options);
        return length + SackLength(options, length);
    }

    /// <summary>
    /// Writes the options laid out as Linux lays them out (tcp_options_write), every option
    /// aligned on 32 bits by its own leading NOPs, so the total is a multiple of 4 without padding:
    /// MSS; then SACK-permitted and timestamps as SACKOK,TS, or NOP,NOP,TS, or NOP,NOP,SACKOK;
    /// then NOP,WS; then NOP,NOP,SACK. Returns the bytes written, <see cref="Length"/>.
    /// </summary>
    /// <remarks>
    /// Everything must fit in 40 bytes (RFC 9293 section 3.1). MSS, timestamps and window scale
    /// take at most 20, so only the SACK blocks can be cut: as many are written as fit, the first
    /// ones (the most recent, RFC 2018 section 4), which is 3 beside timestamps and 4 without.
    /// A window scale above 14 is written as 14 (RFC 7323 section 2.3).
    /// </remarks>
    public static int Write(Span<byte> destination, in TcpOptions options)
    {
        int fixedLength = FixedLength(options);
        int sackLength = SackLength(options, fixedLength);
        if (destination.Length < fixedLength + sackLength)
            Kernel.Panic("TcpOptions.Write: destination too short"u8);
        int offset = 0;
        if (options.HasMss)
        {
            destination[offset] = (byte)TcpOptionKind.MaximumSegmentSize;
            destination[offset + 1] = MssOptionLength;
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(offset + 2), options.Mss);
            offset += 4;
        }
        if (options.HasTimestamps)
        {
            // SACK-permitted takes the place of the two NOPs that align the timestamps.
            if (options.SackPermitted)
            {
                destination[offset] = (byte)TcpOptionKind.SackPermitted;
                destination[offset + 1] = SackPermittedOptionLength;
            }
            else
            {
                destination[offset] = (byte)TcpOptionKind.Nop;
                destination[offset + 1] = (byte)TcpOptionKind.Nop;
            }
            destination[offset + 2] = (byte)TcpOptionKind.Timestamps;
            destination[offset + 3] = TimestampsOptionLength;
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(offset + 4), options.TimestampValue);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(offset + 8), options.TimestampEcho);
            offset += 12;
        }
        else if (options.SackPermitted)
        {
            destination[offset] = (byte)TcpOptionKind.Nop;
            destination[offset + 1] = (byte)TcpOptionKind.Nop;
            destination[offset + 2] = (byte)TcpOptionKind.SackPermitted;
            destination[offset + 3] = SackPermittedOptionLength;
            offset += 4;
        }
        if (options.HasWindowScale)
        {
            destination[offset] = (byte)TcpOptionKind.Nop;
            destination[offset + 1] = (byte)TcpOptionKind.WindowScale;
            destination[offset + 2] = WindowScaleOptionLength;
            destination[offset + 3] = options.WindowScale > MaximumWindowScale ? (byte)MaximumWindowScale : options.WindowScale;
            offset += 4;
        }
        if (sackLength > 0)
        {
            int blocks = (sackLength - 4) / SackBlockLength;
            destination[offset] = (byte)TcpOptionKind.Nop;
            destination[offset + 1] = (byte)TcpOptionKind.Nop;
            destination[offset + 2] = (byte)TcpOptionKind.Sack;
            destination[offset + 3] = (byte)(SackOptionHeaderLength + blocks * SackBlockLength);
            offset += 4;
            for (int i = 0; i < blocks; i++)
            {
                SackBlock block = options._sackBlocks[i];
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(offset), block.Left.Value);
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(offset + 4), block.Right.Value);
                offset += SackBlockLength;
            }
        }
        return offset;
    }

    /// <summary>Everything but the SACK blocks, each option padded to 4 as <see cref="Write"/> lays it out: at most 20.</summary>
    private static int FixedLength(in TcpOptions options) =>
        (options.HasMss ? 4 : 0)
        + (options.HasTimestamps ? 12 : options.SackPermitted ? 4 : 0)
        + (options.HasWindowScale ? 4 : 0);

    /// <summary>NOP,NOP,kind,length and as many blocks as fit after <paramref name="used"/> bytes; 0 for no blocks.</summary>
    private static int SackLength(in TcpOptions options, int used)
    {
        int blocks = Math.Min(options._sackBlockCount, (MaximumLength - used - 4) / SackBlockLength);
        return blocks > 0 ? 4 + blocks * SackBlockLength : 0;
    }

    private static bool Fail(out TcpOptions parsed, out WireError error, WireError reason)
    {
        parsed = default;
        error = reason;
        return false;
    }
}
