using System.Numerics;
using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace System.Buffers.Binary;

/// <summary>
/// Big- and little-endian reads and writes for wire formats, as in the BCL. Built from byte
/// accesses: network headers sit at any alignment, and with the MMU off an unaligned word
/// access faults on ARM. Every call checks its length, as the BCL's does.
/// </summary>
public static class BinaryPrimitives
{
    public static ushort ReadUInt16BigEndian(ReadOnlySpan<byte> source)
    {
        Require(source.Length, 2);
        return (ushort)(source[0] << 8 | source[1]);
    }

    public static uint ReadUInt32BigEndian(ReadOnlySpan<byte> source)
    {
        Require(source.Length, 4);
        return (uint)source[0] << 24 | (uint)source[1] << 16 | (uint)source[2] << 8 | source[3];
    }

    public static ulong ReadUInt64BigEndian(ReadOnlySpan<byte> source)
    {
        Require(source.Length, 8);
        return (ulong)ReadUInt32BigEndian(source) << 32 | ReadUInt32BigEndian(source.Slice(4));
    }

    public static ushort ReadUInt16LittleEndian(ReadOnlySpan<byte> source)
    {
        Require(source.Length, 2);
        return (ushort)(source[1] << 8 | source[0]);
    }

    public static uint ReadUInt32LittleEndian(ReadOnlySpan<byte> source)
    {
        Require(source.Length, 4);
        return (uint)source[3] << 24 | (uint)source[2] << 16 | (uint)source[1] << 8 | source[0];
    }

    public static ulong ReadUInt64LittleEndian(ReadOnlySpan<byte> source)
    {
        Require(source.Length, 8);
        return (ulong)ReadUInt32LittleEndian(source.Slice(4)) << 32 | ReadUInt32LittleEndian(source);
    }

    public static short ReadInt16BigEndian(ReadOnlySpan<byte> source) => (short)ReadUInt16BigEndian(source);

    public static int ReadInt32BigEndian(ReadOnlySpan<byte> source) => (int)ReadUInt32BigEndian(source);

    public static void WriteUInt16BigEndian(Span<byte> destination, ushort value)
    {
        Require(destination.Length, 2);
        destination[0] = (byte)(value >> 8);
        destination[1] = (byte)value;
    }

    public static void WriteUInt32BigEndian(Span<byte> destination, uint value)
    {
        Require(destination.Length, 4);
        destination[0] = (byte)(value >> 24);
        destination[1] = (byte)(value >> 16);
        destination[2] = (byte)(value >> 8);
        destination[3] = (byte)value;
    }

    public static void WriteUInt64BigEndian(Span<byte> destination, ulong value)
    {
        Require(destination.Length, 8);
        WriteUInt32BigEndian(destination, (uint)(value >> 32));
        WriteUInt32BigEndian(destination.Slice(4), (uint)value);
    }

    public static void WriteUInt16LittleEndian(Span<byte> destination, ushort value)
    {
        Require(destination.Length, 2);
        destination[0] = (byte)value;
        destination[1] = (byte)(value >> 8);
    }

    public static void WriteUInt32LittleEndian(Span<byte> destination, uint value)
    {
        Require(destination.Length, 4);
        destination[0] = (byte)value;
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)(value >> 16);
        destination[3] = (byte)(value >> 24);
    }

    public static void WriteUInt64LittleEndian(Span<byte> destination, ulong value)
    {
        Require(destination.Length, 8);
        WriteUInt32LittleEndian(destination, (uint)value);
        WriteUInt32LittleEndian(destination.Slice(4), (uint)(value >> 32));
    }

    public static ushort ReverseEndianness(ushort value) => (ushort)(value >> 8 | value << 8);

    // [Intrinsic]: the JIT makes it one REV where it can (AArch64). Where not (ARMv7), the body
    // inlines as two ANDs with Thumb-2 immediates, two rotates and an ORR.
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReverseEndianness(uint value) =>
        BitOperations.RotateRight(value & 0x00FF00FFu, 8) | BitOperations.RotateLeft(value & 0xFF00FF00u, 8);

    public static ulong ReverseEndianness(ulong value) =>
        (ulong)ReverseEndianness((uint)value) << 32 | ReverseEndianness((uint)(value >> 32));

    private static void Require(int length, int needed)
    {
        if (length < needed)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
    }
}
