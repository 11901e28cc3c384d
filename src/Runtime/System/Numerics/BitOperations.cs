namespace System.Numerics;

/// <summary>The BCL's BitOperations subset, in plain C# (no hardware intrinsics on bare metal).</summary>
public static class BitOperations
{
    public static int PopCount(uint value)
    {
        value -= value >> 1 & 0x55555555u;
        value = (value & 0x33333333u) + (value >> 2 & 0x33333333u);
        return (int)(((value + (value >> 4)) & 0x0F0F0F0Fu) * 0x01010101u >> 24);
    }

    public static int PopCount(ulong value) => PopCount((uint)value) + PopCount((uint)(value >> 32));

    public static int LeadingZeroCount(uint value)
    {
        if (value == 0)
            return 32;
        int count = 0;
        while ((value & 0x80000000u) == 0)
        {
            value <<= 1;
            count++;
        }
        return count;
    }

    public static int LeadingZeroCount(ulong value)
    {
        uint high = (uint)(value >> 32);
        return high != 0 ? LeadingZeroCount(high) : 32 + LeadingZeroCount((uint)value);
    }

    public static int TrailingZeroCount(uint value)
    {
        if (value == 0)
            return 32;
        int count = 0;
        while ((value & 1) == 0)
        {
            value >>= 1;
            count++;
        }
        return count;
    }

    public static int Log2(uint value) => 31 - LeadingZeroCount(value | 1);

    public static bool IsPow2(uint value) => value != 0 && (value & (value - 1)) == 0;

    public static uint RotateLeft(uint value, int offset) => value << offset | value >> (32 - offset);

    public static uint RotateRight(uint value, int offset) => value >> offset | value << (32 - offset);

    public static ulong RotateRight(ulong value, int offset) => value >> offset | value << (64 - offset);
}
