namespace Unikernel.Net.Tcp;

/// <summary>
/// A TCP sequence number: a 32-bit counter that wraps, compared modulo 2^32 (RFC 9293 section
/// 3.4). Every sequence and acknowledgment number in the stack is one of these, so a plain
/// <c>uint</c> comparison, which goes wrong at the wrap, cannot creep in.
/// </summary>
/// <remarks>
/// <para>
/// "a &lt; b" means b is ahead of a by less than 2^31: the signed 32-bit difference b - a is
/// positive. This is the only meaningful order on a circle, and it holds as long as the numbers
/// compared are within 2^31 of each other, which the window rules keep true (RFC 9293 section
/// 3.4; RFC 7323 section 2.3 caps the window scale at 14 to keep windows under 2^30 for this
/// reason). Exactly 2^31 apart the difference is int.MinValue, negative whichever way round, so
/// each is "behind" the other; a live connection never compares such numbers.
/// </para>
/// <para>
/// Deliberately not IComparable: the order is not transitive over the whole circle,
/// and sorting by it would be a bug.
/// </para>
/// </remarks>
public readonly struct SeqNumber : IEquatable<SeqNumber>
{
    private readonly uint _value;

    public SeqNumber(uint value)
    {
        _value = value;
    }

    /// <summary>The number as sent on the wire.</summary>
    public uint Value => _value;

    /// <summary><paramref name="sequence"/> advanced by <paramref name="count"/> octets (negative goes back), wrapping.</summary>
    public static SeqNumber operator +(SeqNumber sequence, int count) => new SeqNumber(unchecked(sequence._value + (uint)count));

    /// <summary><paramref name="sequence"/> moved back by <paramref name="count"/> octets, wrapping.</summary>
    public static SeqNumber operator -(SeqNumber sequence, int count) => new SeqNumber(unchecked(sequence._value - (uint)count));

    /// <summary>
    /// How far <paramref name="left"/> is ahead of <paramref name="right"/>: the signed 32-bit
    /// difference, negative if it is behind. Meaningful for numbers within 2^31 of each other.
    /// </summary>
    public static int operator -(SeqNumber left, SeqNumber right) => unchecked((int)(left._value - right._value));

    public static bool operator <(SeqNumber left, SeqNumber right) => left - right < 0;

    public static bool operator <=(SeqNumber left, SeqNumber right) => left - right <= 0;

    public static bool operator >(SeqNumber left, SeqNumber right) => left - right > 0;

    public static bool operator >=(SeqNumber left, SeqNumber right) => left - right >= 0;

    public static bool operator ==(SeqNumber left, SeqNumber right) => left._value == right._value;

    public static bool operator !=(SeqNumber left, SeqNumber right) => left._value != right._value;

    /// <summary>The one further ahead, in the modular order.</summary>
    public static SeqNumber Max(SeqNumber a, SeqNumber b) => a - b >= 0 ? a : b;

    /// <summary>The one further behind, in the modular order.</summary>
    public static SeqNumber Min(SeqNumber a, SeqNumber b) => a - b <= 0 ? a : b;

    /// <summary>
    /// True if low &lt;= this &lt; high, the half-open interval going forward from
    /// <paramref name="low"/>: the form of RFC 9293 section 3.4's acceptability tests, such as
    /// "RCV.NXT =&lt; SEG.SEQ &lt; RCV.NXT+RCV.WND". Empty when low == high. Computed as an
    /// unsigned offset from low, so it is exact for any interval shorter than 2^32, not only
    /// those within 2^31.
    /// </summary>
    public bool IsBetween(SeqNumber low, SeqNumber high) => unchecked(_value - low._value) < unchecked(high._value - low._value);

    /// <summary>
    /// True if low &lt; this &lt;= high: the form of the acknowledgment test "SND.UNA &lt; SEG.ACK
    /// =&lt; SND.NXT" (RFC 9293 section 3.4). Empty when low == high.
    /// </summary>
    public bool IsAfterUpTo(SeqNumber low, SeqNumber high) =>
        unchecked(_value - low._value - 1) < unchecked(high._value - low._value);

    /// <summary>True if low &lt;= this &lt;= high, both ends included; just low when low == high.</summary>
    public bool IsBetweenInclusive(SeqNumber low, SeqNumber high) =>
        unchecked(_value - low._value) <= unchecked(high._value - low._value);

    public bool Equals(SeqNumber other) => _value == other._value;

    // Only reached through boxing, which shared code never does; here for the operators' sake.
    public override bool Equals(object? obj) => obj is SeqNumber other && Equals(other);

    public override int GetHashCode() => (int)_value;
}
