using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Exercises the corelib surface shared code relies on and prints one "name value" line per
/// result. Compiled twice: into the RuntimeProbe image (our corelib, on ARMv7 and AArch64)
/// and into the host tests (the BCL). Any line that differs is a corelib bug.
/// </summary>
public static unsafe class RuntimeChecks<TConsole> where TConsole : IConsole
{
    private static int[] Primes => StaticData.Primes;
    private static ReadOnlySpan<byte> Pattern => [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04];

    public static void Run()
    {
        Spans();
        Binary();
        Bits();
        Arithmetic();
        Memory();
        Objects();
        Language();
    }

    private static void Spans()
    {
        Span<byte> buffer = stackalloc byte[16];
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = (byte)i;
        buffer.Slice(0, 8).CopyTo(buffer.Slice(4));          // overlapping, forwards
        Hex("copy-forward", buffer);
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = (byte)i;
        buffer.Slice(6).CopyTo(buffer.Slice(2));              // overlapping, backwards
        Hex("copy-backward", buffer);
        buffer.Slice(3, 5).Fill(0xAA);
        buffer.Slice(12).Clear();
        Hex("fill-clear", buffer);
        Line("sequence-equal", Pattern.SequenceEqual(Pattern.Slice(0)) ? 1UL : 0UL);
        Line("sequence-differs", Pattern.SequenceEqual(buffer.Slice(0, 8)) ? 1UL : 0UL);
        Line("index-of", (ulong)Pattern.IndexOf((byte)0xBE));
        Line("index-missing", (ulong)(Pattern.IndexOf((byte)0x55) + 1));
        Hex("range", Pattern[^3..]);
        Line("try-copy-short", Pattern.TryCopyTo(buffer.Slice(0, 4)) ? 1UL : 0UL);
        int sum = 0;
        foreach (int prime in Primes.AsSpan(1, 4))
            sum += prime;
        Line("array-span-sum", (ulong)sum);
    }

    private static void Binary()
    {
        Span<byte> bytes = stackalloc byte[8];
        Line("read-be16", BinaryPrimitives.ReadUInt16BigEndian(Pattern));
        Line("read-be32", BinaryPrimitives.ReadUInt32BigEndian(Pattern));
        Line("read-be64", BinaryPrimitives.ReadUInt64BigEndian(Pattern));
        Line("read-le32", BinaryPrimitives.ReadUInt32LittleEndian(Pattern.Slice(1)));
        Line("read-le64", BinaryPrimitives.ReadUInt64LittleEndian(Pattern));
        BinaryPrimitives.WriteUInt64BigEndian(bytes, 0x0123456789ABCDEF);
        Hex("write-be64", bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(1), 0xCAFEF00D);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.Slice(6), 0x8001);
        Hex("write-mixed", bytes);
        Line("reverse32", BinaryPrimitives.ReverseEndianness(0x11223344u));
        Line("reverse64", BinaryPrimitives.ReverseEndianness(0x1122334455667788UL));
    }

    private static void Bits()
    {
        Line("popcount", (ulong)BitOperations.PopCount(0xF0F0_1234u));
        Line("popcount64", (ulong)BitOperations.PopCount(0xFFFF_0000_F0F0_1234UL));
        Line("leading-zeros", (ulong)BitOperations.LeadingZeroCount(0x0001_0000u));
        Line("leading-zeros64", (ulong)BitOperations.LeadingZeroCount(0x0000_0100_0000_0000UL));
        Line("trailing-zeros", (ulong)BitOperations.TrailingZeroCount(0x0001_0000u));
        Line("log2", (ulong)BitOperations.Log2(1000u));
        Line("rotate-left", BitOperations.RotateLeft(0x8000_0001u, 4));
        Line("is-pow2", BitOperations.IsPow2(4096u) && !BitOperations.IsPow2(4095u) ? 1UL : 0UL);
    }

    private static void Arithmetic()
    {
        // Values read through Volatile so no compiler folds them: on ARMv7 these run the
        // division, multiplication and shift helpers.
        int a = -123456789, b = 1000;
        long c = -9_876_543_210_123L, d = 7_654_321L;
        ulong e = 0xFEDC_BA98_7654_3210UL, f = 0x1_0000_0001UL;
        int shift = 37;
        Volatile.Write(ref shift, Volatile.Read(ref shift));
        Line("div32", (ulong)(uint)(a / b));
        Line("mod32", (ulong)(uint)(a % b));
        Line("udiv32", 0xFFFF_FFF0u / (uint)b);
        Line("div64", (ulong)(c / d));
        Line("mod64", (ulong)(c % d));
        Line("udiv64", e / f);
        Line("umod64", e % f);
        Line("mul64", e * f);
        Line("smul64", (ulong)(c * -d));
        Line("shl64", e << shift);
        Line("shr64", e >> shift);
        Line("sar64", (ulong)(c >> shift));
        Line("shl64-small", e << (shift - 30));
        Line("checked-ok", (ulong)checked(int.MaxValue - 1 + 1));
        Line("abs", (ulong)Math.Abs(a));
        Line("clamp", (ulong)Math.Clamp(a, -5, 5) + 10);
        Line("min-max", (ulong)(Math.Min(a, b) + Math.Max(c, d)));
    }

#pragma warning disable CS0649 // filled by MemoryMarshal.Read
    private struct Header
    {
        public uint Magic;
        public ushort Version;
        public ushort Flags;
    }
#pragma warning restore CS0649

    [InlineArray(6)]
    private struct SixBytes
    {
        private byte _first;
    }

    private struct FixedBuffer
    {
        public fixed ushort Words[4];
    }

    private static void Memory()
    {
        Span<byte> raw = stackalloc byte[8];
        Pattern.CopyTo(raw);
        Header header = MemoryMarshal.Read<Header>(raw);
        Line("read-struct", header.Magic ^ header.Version ^ (ulong)header.Flags << 32);
        header.Version = 0x0202;
        MemoryMarshal.Write(raw, in header);
        Hex("write-struct", raw);
        Span<uint> words = MemoryMarshal.Cast<byte, uint>(raw);
        Line("cast-length", (ulong)words.Length);
        Hex("as-bytes", MemoryMarshal.AsBytes(words.Slice(1)));
        var six = new SixBytes();
        Span<byte> sixSpan = six;
        for (int i = 0; i < sixSpan.Length; i++)
            sixSpan[i] = (byte)(0x10 * i);
        Hex("inline-array", sixSpan);
        FixedBuffer fixedBuffer;
        fixedBuffer.Words[0] = 1;
        fixedBuffer.Words[3] = 0xFFFF;
        Line("fixed-buffer", fixedBuffer.Words[0] + (ulong)fixedBuffer.Words[3]);
        uint flag = 5;
        Volatile.Write(ref flag, Volatile.Read(ref flag) * 3);
        Line("volatile", flag);
        Line("unsafe-size", (ulong)Unsafe.SizeOf<Header>());
        Line("unaligned", Unsafe.ReadUnaligned<uint>(ref raw[1]));
    }

    private sealed class Counter(int start)
    {
        public int Value = start;
        public Counter? Next;

        public int Sum() => Value + (Next?.Sum() ?? 0);
    }

    private interface IShape
    {
        static abstract int Sides { get; }
    }

    private struct Triangle : IShape
    {
        public static int Sides => 3;
    }

    private struct Square : IShape
    {
        public static int Sides => 4;
    }

    private static int SidesOf<T>() where T : IShape => T.Sides;

    private static void Objects()
    {
        var list = new Counter(1) { Next = new Counter(2) { Next = new Counter(39) } };
        Line("objects", (ulong)list.Sum());
        int[] squares = new int[5];
        for (int i = 0; i < squares.Length; i++)
            squares[i] = i * i;
        Line("array", (ulong)(squares[4] + squares.Length));
        // An array of a class: stores (stelem.ref) and a reference to an element (ldelema).
        var counters = new Counter[3];
        for (int i = 0; i < counters.Length; i++)
            counters[i] = new Counter(10 * (i + 1));
        ref Counter middle = ref counters[1];
        middle = new Counter(5) { Next = counters[2] };
        Line("object-array", (ulong)(counters[0].Sum() + counters[1].Sum() + (counters[2] == middle.Next ? 1000 : 0)));
        Line("static-array", (ulong)(Primes[5] * Primes.Length + StaticData.Answer));
        Line("static-abstract", (ulong)(SidesOf<Triangle>() * 10 + SidesOf<Square>()));
        int? maybe = null;
        Line("nullable", (ulong)(maybe.GetValueOrDefault(7) + (maybe.HasValue ? 100 : 0)));
        maybe = 35;
        Line("nullable-value", (ulong)maybe.Value);
    }

    private ref struct Cursor(ref int target)
    {
        private ref int _target = ref target;

        public void Add(int amount) => _target += amount;
    }

    private static void Language()
    {
        int total = 40;
        var cursor = new Cursor(ref total);
        cursor.Add(2);
        Line("ref-field", (ulong)total);
        string text = "bare metal";
        Line("string", (ulong)(text.Length * 1000 + text[5]));
        (int low, int high) pair = (3, 4);
        Line("tuple", (ulong)(pair.low * 10 + pair.high));
        ulong hash = 14695981039346656037UL;
        foreach (char character in "fnv-1a")
            hash = (hash ^ character) * 1099511628211UL;
        Line("fnv", hash);
        Func<uint, uint> twice = static value => value * 2;
        int offset = 5;
        Func<uint, uint> shifted = value => value + (uint)offset;
        Line("delegates", twice(20) + shifted(2) + Apply(static v => v | 0x100, 1));
    }

    private static uint Apply(Func<uint, uint> change, uint value) => change(value);

    private static void Line(string name, ulong value) => ProbeLines<TConsole>.Line(name, value);

    private static void Hex(string name, ReadOnlySpan<byte> bytes) => ProbeLines<TConsole>.Hex(name, bytes);
}

/// <summary>Static readonly data: an array (built once, on first use) and a constant-folded scalar.</summary>
internal static class StaticData
{
    public static readonly int[] Primes = [2, 3, 5, 7, 11, 13];
    public static readonly int Answer = 6 * 7;
}
