// The primitive types. The C# compiler supplies their operators; we add the constants and
// the few members shared code uses, with the BCL's names. Equality goes through IEquatable<T>
// so generic code (MemoryExtensions.SequenceEqual) specialises to a plain compare.
namespace System;

#pragma warning disable CS0169, CS0649 // the value fields are the primitives themselves, filled by the runtime

public struct Boolean : IEquatable<bool>
{
    private readonly bool _value;
    public bool Equals(bool other) => _value == other;
}

public struct Char : IEquatable<char>
{
    public const char MinValue = (char)0;
    public const char MaxValue = (char)0xFFFF;
    private readonly char _value;
    public bool Equals(char other) => _value == other;
}

public struct SByte : IEquatable<sbyte>
{
    public const sbyte MinValue = -128;
    public const sbyte MaxValue = 127;
    private readonly sbyte _value;
    public bool Equals(sbyte other) => _value == other;
}

public struct Byte : IEquatable<byte>
{
    public const byte MinValue = 0;
    public const byte MaxValue = 255;
    private readonly byte _value;
    public bool Equals(byte other) => _value == other;
}

public struct Int16 : IEquatable<short>
{
    public const short MinValue = -32768;
    public const short MaxValue = 32767;
    private readonly short _value;
    public bool Equals(short other) => _value == other;
}

public struct UInt16 : IEquatable<ushort>
{
    public const ushort MinValue = 0;
    public const ushort MaxValue = 65535;
    private readonly ushort _value;
    public bool Equals(ushort other) => _value == other;
}

public struct Int32 : IEquatable<int>
{
    public const int MinValue = unchecked((int)0x80000000);
    public const int MaxValue = 0x7FFFFFFF;
    private readonly int _value;
    public bool Equals(int other) => _value == other;
}

public struct UInt32 : IEquatable<uint>
{
    public const uint MinValue = 0;
    public const uint MaxValue = 0xFFFFFFFF;
    private readonly uint _value;
    public bool Equals(uint other) => _value == other;
}

public struct Int64 : IEquatable<long>
{
    public const long MinValue = unchecked((long)0x8000000000000000);
    public const long MaxValue = 0x7FFFFFFFFFFFFFFF;
    private readonly long _value;
    public bool Equals(long other) => _value == other;
}

public struct UInt64 : IEquatable<ulong>
{
    public const ulong MinValue = 0;
    public const ulong MaxValue = 0xFFFFFFFFFFFFFFFF;
    private readonly ulong _value;
    public bool Equals(ulong other) => _value == other;
}

public unsafe struct IntPtr : IEquatable<nint>
{
    public static readonly nint Zero;
    private readonly void* _value;
    public static nint MaxValue => sizeof(nint) == 8 ? unchecked((nint)long.MaxValue) : int.MaxValue;
    public static nint MinValue => sizeof(nint) == 8 ? unchecked((nint)long.MinValue) : int.MinValue;
    public static int Size => sizeof(nint);
    public bool Equals(nint other) => (nint)_value == other;
}

public unsafe struct UIntPtr : IEquatable<nuint>
{
    public static readonly nuint Zero;
    private readonly void* _value;
    public static nuint MaxValue => unchecked((nuint)(nint)(-1));
    public static nuint MinValue => 0;
    public static int Size => sizeof(nuint);
    public bool Equals(nuint other) => (nuint)_value == other;
}

public struct Single
{
    private readonly float _value;
}

public struct Double
{
    private readonly double _value;
}
