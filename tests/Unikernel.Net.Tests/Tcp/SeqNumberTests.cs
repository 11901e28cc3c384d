using Unikernel.Net.Tcp;

namespace Unikernel.Net.Tests.Tcp;

public class SeqNumberTests
{
    private static SeqNumber S(uint value) => new SeqNumber(value);

    [Fact]
    public void Addition_wraps_modulo_two_to_the_32()
    {
        Assert.Equal(0x0000000Fu, (S(0xFFFFFFF0) + 0x1F).Value);
        Assert.Equal(0xFFFFFFF0u, (S(0x0000000F) + -0x1F).Value);
        Assert.Equal(0xFFFFFFF0u, (S(0x0000000F) - 0x1F).Value);
        Assert.Equal(0u, (S(0xFFFFFFFF) + 1).Value);
        Assert.Equal(S(0x7FFFFFFF), S(0xFFFFFFFF) + int.MinValue);
    }

    [Fact]
    public void Difference_is_signed_distance_across_the_wrap()
    {
        Assert.Equal(0x1F, S(0x0000000F) - S(0xFFFFFFF0));
        Assert.Equal(-0x1F, S(0xFFFFFFF0) - S(0x0000000F));
        Assert.Equal(0, S(0xFFFFFFF0) - S(0xFFFFFFF0));
        Assert.Equal(int.MaxValue, S(0x7FFFFFFE) - S(0xFFFFFFFF));
    }

    [Fact]
    public void Comparisons_hold_across_the_wrap()
    {
        SeqNumber before = S(0xFFFFFFF0), after = S(0x00000010);
        Assert.True(before < after);
        Assert.True(before <= after);
        Assert.False(before > after);
        Assert.False(before >= after);
        Assert.True(after > before);
        Assert.True(after >= before);
        Assert.False(after < before);
        // A plain unsigned comparison would say the opposite.
        Assert.True(before.Value > after.Value);

        SeqNumber same = S(0xFFFFFFF0);
        Assert.True(before <= same && before >= same);
        Assert.False(before < same || before > same);
        Assert.True(before == S(0xFFFFFFF0));
        Assert.True(before != after);
        Assert.True(before.Equals(S(0xFFFFFFF0)));
        Assert.Equal(before.GetHashCode(), S(0xFFFFFFF0).GetHashCode());
    }

    [Fact]
    public void Every_step_through_the_wrap_moves_forward()
    {
        SeqNumber previous = S(0xFFFFFFF0);
        for (int i = 1; i <= 0x20; i++)
        {
            SeqNumber next = S(0xFFFFFFF0) + i;
            Assert.True(previous < next);
            Assert.Equal(1, next - previous);
            previous = next;
        }
    }

    [Fact]
    public void The_order_stops_at_half_the_circle()
    {
        SeqNumber origin = S(0xFFFFFFF0);
        Assert.True(origin + int.MaxValue > origin);
        // 2^31 away: the difference is int.MinValue whichever way round, so each is "behind".
        SeqNumber opposite = origin + int.MinValue;
        Assert.True(opposite < origin);
        Assert.True(origin < opposite);
        Assert.True(origin + int.MinValue + 1 < origin);
    }

    [Fact]
    public void Max_and_Min_follow_the_modular_order()
    {
        SeqNumber before = S(0xFFFFFFF0), after = S(0x00000010);
        Assert.Equal(after, SeqNumber.Max(before, after));
        Assert.Equal(after, SeqNumber.Max(after, before));
        Assert.Equal(before, SeqNumber.Min(before, after));
        Assert.Equal(before, SeqNumber.Min(after, before));
        Assert.Equal(before, SeqNumber.Max(before, before));
    }

    [Fact]
    public void IsBetween_is_half_open_low_included_high_excluded_across_the_wrap()
    {
        // "RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND" with RCV.NXT 16 before the wrap and a window of 32.
        SeqNumber next = S(0xFFFFFFF0), end = next + 32;
        Assert.True(next.IsBetween(next, end));
        Assert.True(S(0xFFFFFFFF).IsBetween(next, end));
        Assert.True(S(0).IsBetween(next, end));
        Assert.True(S(0x0F).IsBetween(next, end));
        Assert.False(S(0x10).IsBetween(next, end));
        Assert.False(S(0xFFFFFFEF).IsBetween(next, end));
        Assert.False(next.IsBetween(next, next)); // a zero window holds nothing
    }

    [Fact]
    public void IsAfterUpTo_is_low_excluded_high_included_across_the_wrap()
    {
        // "SND.UNA < SEG.ACK =< SND.NXT".
        SeqNumber una = S(0xFFFFFFFA), nxt = S(0x00000005);
        Assert.False(una.IsAfterUpTo(una, nxt));
        Assert.True((una + 1).IsAfterUpTo(una, nxt));
        Assert.True(S(0).IsAfterUpTo(una, nxt));
        Assert.True(nxt.IsAfterUpTo(una, nxt));
        Assert.False((nxt + 1).IsAfterUpTo(una, nxt));
        Assert.False(una.IsAfterUpTo(una, una));
        Assert.False((una - 1).IsAfterUpTo(una, nxt));
    }

    [Fact]
    public void IsBetweenInclusive_includes_both_ends_across_the_wrap()
    {
        SeqNumber low = S(0xFFFFFFFE), high = S(0x00000001);
        Assert.True(low.IsBetweenInclusive(low, high));
        Assert.True(S(0xFFFFFFFF).IsBetweenInclusive(low, high));
        Assert.True(S(0).IsBetweenInclusive(low, high));
        Assert.True(high.IsBetweenInclusive(low, high));
        Assert.False(S(2).IsBetweenInclusive(low, high));
        Assert.False(S(0xFFFFFFFD).IsBetweenInclusive(low, high));
        Assert.True(low.IsBetweenInclusive(low, low));
        Assert.False(high.IsBetweenInclusive(low, low));
    }

    [Fact]
    public void Comparisons_agree_with_signed_distance_on_seeded_random_pairs()
    {
        var random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            var a = S((uint)random.NextInt64(0, 1L << 32));
            int distance = random.Next(int.MinValue + 1, int.MaxValue);
            SeqNumber b = a + distance;
            Assert.Equal(distance, b - a);
            Assert.Equal(distance > 0, b > a);
            Assert.Equal(distance < 0, b < a);
            Assert.Equal(distance >= 0, b >= a);
            Assert.Equal(distance <= 0, b <= a);
        }
    }
}
