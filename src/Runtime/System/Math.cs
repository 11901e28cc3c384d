using Internal.Runtime.CompilerHelpers;

namespace System;

public static class Math
{
    public static int Min(int a, int b) => a <= b ? a : b;
    public static uint Min(uint a, uint b) => a <= b ? a : b;
    public static long Min(long a, long b) => a <= b ? a : b;
    public static ulong Min(ulong a, ulong b) => a <= b ? a : b;
    public static nint Min(nint a, nint b) => a <= b ? a : b;
    public static nuint Min(nuint a, nuint b) => a <= b ? a : b;
    public static int Max(int a, int b) => a >= b ? a : b;
    public static uint Max(uint a, uint b) => a >= b ? a : b;
    public static long Max(long a, long b) => a >= b ? a : b;
    public static ulong Max(ulong a, ulong b) => a >= b ? a : b;
    public static nint Max(nint a, nint b) => a >= b ? a : b;
    public static nuint Max(nuint a, nuint b) => a >= b ? a : b;

    public static int Abs(int value)
    {
        if (value == int.MinValue)
            Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
        return value < 0 ? -value : value;
    }

    public static long Abs(long value)
    {
        if (value == long.MinValue)
            Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
        return value < 0 ? -value : value;
    }

    public static int Clamp(int value, int min, int max) => value < min ? min : value > max ? max : value;

    // Integer division helpers ilc calls by name on 32-bit ARM, where 64-bit (and, for ilc,
    // 32-bit) division is not a single instruction. Restoring shift-and-subtract, with only
    // constant shifts so they never need another helper. Semantics are C#'s: truncation
    // towards zero, divide by zero and MinValue / -1 panic.
    private static int DivInt32(int dividend, int divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        if (divisor == -1 && dividend == int.MinValue)
            ThrowHelpers.ThrowOverflowException();
        uint quotient = DivideUnsigned(Magnitude(dividend), Magnitude(divisor), out _);
        return (dividend ^ divisor) < 0 ? -(int)quotient : (int)quotient;
    }

    private static uint DivUInt32(uint dividend, uint divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        return DivideUnsigned(dividend, divisor, out _);
    }

    private static int ModInt32(int dividend, int divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        if (divisor == -1)
            return 0;
        DivideUnsigned(Magnitude(dividend), Magnitude(divisor), out uint remainder);
        return dividend < 0 ? -(int)remainder : (int)remainder;
    }

    private static uint ModUInt32(uint dividend, uint divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        DivideUnsigned(dividend, divisor, out uint remainder);
        return remainder;
    }

    private static long DivInt64(long dividend, long divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        if (divisor == -1 && dividend == long.MinValue)
            ThrowHelpers.ThrowOverflowException();
        ulong quotient = DivideUnsigned(Magnitude(dividend), Magnitude(divisor), out _);
        return (dividend ^ divisor) < 0 ? -(long)quotient : (long)quotient;
    }

    private static ulong DivUInt64(ulong dividend, ulong divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        return DivideUnsigned(dividend, divisor, out _);
    }

    private static long ModInt64(long dividend, long divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        if (divisor == -1)
            return 0;
        DivideUnsigned(Magnitude(dividend), Magnitude(divisor), out ulong remainder);
        return dividend < 0 ? -(long)remainder : (long)remainder;
    }

    private static ulong ModUInt64(ulong dividend, ulong divisor)
    {
        if (divisor == 0)
            ThrowHelpers.ThrowDivideByZeroException();
        DivideUnsigned(dividend, divisor, out ulong remainder);
        return remainder;
    }

    // Checked floating-point to integer conversions, which ilc also resolves by name. Nothing
    // on bare metal converts floating point; should anything, it gets C#'s checked semantics.
    private static int ConvertToInt32Checked(double value) =>
        value > -2147483649.0 && value < 2147483648.0 ? (int)value : Overflow<int>();

    private static uint ConvertToUInt32Checked(double value) =>
        value > -1.0 && value < 4294967296.0 ? (uint)value : Overflow<uint>();

    private static long ConvertToInt64Checked(double value) =>
        value >= -9223372036854775808.0 && value < 9223372036854775808.0 ? (long)value : Overflow<long>();

    private static ulong ConvertToUInt64Checked(double value) =>
        value > -1.0 && value < 18446744073709551616.0 ? (ulong)value : Overflow<ulong>();

    private static T Overflow<T>()
    {
        ThrowHelpers.ThrowOverflowException();
        return default!;
    }

    // Checked 64-bit multiplication, out of line on ARMv7.
    private static long MultiplyChecked(long left, long right)
    {
        ulong magnitude = MultiplyCheckedUnsigned(Magnitude(left), Magnitude(right));
        bool negative = (left ^ right) < 0;
        if (magnitude > (negative ? 0x8000000000000000UL : 0x7FFFFFFFFFFFFFFFUL))
            ThrowHelpers.ThrowOverflowException();
        return negative ? (long)(~magnitude + 1) : (long)magnitude;
    }

    private static ulong MultiplyChecked(ulong left, ulong right) => MultiplyCheckedUnsigned(left, right);

    private static ulong MultiplyCheckedUnsigned(ulong left, ulong right)
    {
        // Split into 32-bit halves: at most one of the high halves may be non-zero, and the
        // cross products must fit in 32 bits for the product to fit in 64.
        ulong leftHigh = left >> 32, rightHigh = right >> 32;
        if (leftHigh != 0 && rightHigh != 0)
            ThrowHelpers.ThrowOverflowException();
        ulong cross = leftHigh * (uint)right + rightHigh * (uint)left;
        if (cross >> 32 != 0)
            ThrowHelpers.ThrowOverflowException();
        ulong low = (ulong)(uint)left * (uint)right;
        ulong result = low + (cross << 32);
        if (result < low)
            ThrowHelpers.ThrowOverflowException();
        return result;
    }

    private static uint Magnitude(int value) => value < 0 ? (uint)-(long)value : (uint)value;

    private static ulong Magnitude(long value) => value < 0 ? ~(ulong)value + 1 : (ulong)value;

    private static uint DivideUnsigned(uint dividend, uint divisor, out uint remainder)
    {
        uint quotient = 0, rest = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            rest = rest << 1 | dividend >> 31;
            dividend <<= 1;
            quotient <<= 1;
            if (rest >= divisor)
            {
                rest -= divisor;
                quotient |= 1;
            }
        }
        remainder = rest;
        return quotient;
    }

    private static ulong DivideUnsigned(ulong dividend, ulong divisor, out ulong remainder)
    {
        if ((dividend | divisor) >> 32 == 0)
        {
            uint quotient32 = DivideUnsigned((uint)dividend, (uint)divisor, out uint remainder32);
            remainder = remainder32;
            return quotient32;
        }
        ulong quotient = 0, rest = 0;
        for (int bit = 0; bit < 64; bit++)
        {
            rest = rest << 1 | dividend >> 63;
            dividend <<= 1;
            quotient <<= 1;
            if (rest >= divisor)
            {
                rest -= divisor;
                quotient |= 1;
            }
        }
        remainder = rest;
        return quotient;
    }
}
