using System.Diagnostics.CodeAnalysis;
using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace Unikernel;

/// <summary>
/// The runtime's face to programs: start-up, the image layout and <see cref="Panic"/>.
/// Every image must implement <see cref="WriteConsole"/> (a partial method: leaving it out
/// does not compile), so a panic can always be printed.
/// </summary>
public static unsafe partial class Kernel
{
    private static ImageLayout s_image;
    private static bool s_panicking;

    /// <summary>Where the linker placed this image.</summary>
    public static ref readonly ImageLayout Image => ref s_image;

    /// <summary>Bytes taken from the start-up heap so far.</summary>
    public static nuint HeapUsed => BumpAllocator.Used(s_image.HeapStart);

    /// <summary>Writes raw bytes to the console, polling; must work before anything else is set up.</summary>
    internal static partial void WriteConsole(ReadOnlySpan<byte> bytes);

    /// <summary>Called by the entry code, after BSS is cleared and before the program runs.</summary>
    [RuntimeExport("__unikernel_runtime_start")]
    private static void Start(ImageLayout* layout)
    {
        s_image = *layout;
        BumpAllocator.Initialize(layout->HeapStart, layout->HeapEnd);
        Internal.Runtime.ModuleStatics.Initialize(layout->ModulesStart, layout->ModulesEnd);
    }

    /// <summary>
    /// Stops the machine for a broken invariant: prints <c>panic: &lt;reason&gt; at 0x&lt;address
    /// of the call&gt;</c> (and <c>, core N</c> on a core other than 0) on the console and halts this core. Never returns. (An assembly
    /// trampoline supplies the caller's address and calls <see cref="PanicAt"/>.)
    /// </summary>
    /// <remarks>
    /// The reason is UTF-8 (<c>Kernel.Panic("why"u8)</c>): a u8 literal is its bytes in
    /// read-only data, where a string literal is twice that plus an object header, and the
    /// first stages count bytes.
    /// </remarks>
    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_panic")]
    public static extern void Panic(ReadOnlySpan<byte> reason);

    [RuntimeExport("__unikernel_panic_at")]
    private static void PanicAt(ReadOnlySpan<byte> reason, nuint address) => Halt(reason, address);

    [RuntimeExport("__unikernel_runtime_check_failed")]
    private static void RuntimeCheckFailed(RuntimeCheck check, nuint address) => Halt(CheckName(check), address);

    /// <summary>
    /// The check's name: the <see cref="RuntimeCheck"/> value counts into <see cref="CheckNames"/>
    /// (a table of NUL-terminated texts: smaller than a switch over spans; the Runtime tests print every name).
    /// </summary>
    private static ReadOnlySpan<byte> CheckName(RuntimeCheck check) =>
        (uint)(check - RuntimeCheck.IndexOutOfRange) <= (uint)(RuntimeCheck.BadImageFormat - RuntimeCheck.IndexOutOfRange)
            ? TableEntry(CheckNames, check - RuntimeCheck.IndexOutOfRange)
            : "unknown runtime check"u8;

    /// <summary>The names of <see cref="RuntimeCheck"/> 1 to 14 in order, each ending in NUL.</summary>
    private static ReadOnlySpan<byte> CheckNames =>
        "index out of range\0"u8 +             // IndexOutOfRange = 1
        "null reference\0"u8 +                 // NullReference
        "divide by zero\0"u8 +                 // DivideByZero
        "arithmetic overflow\0"u8 +            // Overflow
        "argument out of range\0"u8 +          // ArgumentOutOfRange
        "invalid argument\0"u8 +               // Argument
        "destination too short\0"u8 +          // DestinationTooShort
        "array type mismatch\0"u8 +            // ArrayTypeMismatch
        "not supported on this platform\0"u8 + // PlatformNotSupported
        "not implemented\0"u8 +                // NotImplemented
        "not supported\0"u8 +                  // NotSupported
        "invalid program\0"u8 +                // InvalidProgram
        "type load failure\0"u8 +              // TypeLoad
        "bad image format\0"u8;                // BadImageFormat = 14

    /// <summary>For the exception vectors: reports a CPU exception by its class and addresses.</summary>
    [RuntimeExport("__unikernel_exception")]
    private static void Exception(nuint kind, nuint syndrome, nuint address, nuint faultAddress)
    {
        Span<byte> line = stackalloc byte[200];
        var text = new PanicLine(line);
        text.Append("panic: unexpected "u8);
        if (sizeof(nint) == 8)
        {
            // AArch64: the vector says synchronous/IRQ/FIQ/SError; for synchronous ones the
            // exception class, ESR_EL3[31:26], says what happened (ARMv8 ARM, D17.2.37).
            text.Append(ExceptionName(kind));
            if (kind == 0)
            {
                text.Append(" exception, class 0x"u8);
                text.AppendHex((syndrome >> 26) & 0x3F, 2);
                text.Append(" ("u8);
                text.Append(ExceptionClassName((uint)(syndrome >> 26) & 0x3F));
                text.Append(')');
            }
            text.Append(", ESR 0x"u8);
        }
        else
        {
            // ARMv7: the vector is the kind; DFSR/IFSR hold the fault status (ARMv7 ARM, B4.1.52).
            text.Append(ArmV7ExceptionName(kind));
            text.Append(", FSR 0x"u8);
        }
        text.AppendHex(syndrome, 8);
        text.Append(", fault address 0x"u8);
        text.AppendHex(faultAddress, sizeof(nint) * 2);
        text.Append(" at 0x"u8);
        text.AppendHex(address, sizeof(nint) * 2);
        Stop(text);
    }

    /// <summary>The vector's kind, 0 to 3 (tables as for <see cref="CheckName"/>).</summary>
    private static ReadOnlySpan<byte> ExceptionName(nuint kind) =>
        TableEntry("synchronous\0IRQ\0FIQ\0SError\0"u8, kind < 3 ? (int)kind : 3);

    private static ReadOnlySpan<byte> ArmV7ExceptionName(nuint kind) => kind switch
    {
        1 => "IRQ"u8,
        2 => "FIQ"u8,
        4 => "undefined instruction"u8,
        5 => "prefetch abort"u8,
        6 => "data abort"u8,
        7 => "supervisor call"u8,
        _ => "exception"u8,
    };

    /// <summary>ESR_EL3.EC's meaning: the class picks a line of <see cref="ExceptionClassNames"/>.</summary>
    private static ReadOnlySpan<byte> ExceptionClassName(uint exceptionClass) => TableEntry(ExceptionClassNames, exceptionClass switch
    {
        0x00 => 0,
        0x07 => 1,
        0x0E => 2,
        0x15 or 0x17 => 3,
        0x20 or 0x21 => 4,
        0x22 => 5,
        0x24 or 0x25 => 6,
        0x26 => 7,
        0x2F => 8,
        0x3C => 9,
        _ => 10,
    });

    private static ReadOnlySpan<byte> ExceptionClassNames =>
        "undefined instruction\0"u8 +          // 0: EC 0x00
        "FP/SIMD access trapped\0"u8 +         // 1: EC 0x07
        "illegal execution state\0"u8 +        // 2: EC 0x0E
        "supervisor/secure monitor call\0"u8 + // 3: EC 0x15 (SVC), 0x17 (SMC)
        "instruction abort\0"u8 +              // 4: EC 0x20, 0x21
        "PC misaligned\0"u8 +                  // 5: EC 0x22
        "data abort\0"u8 +                     // 6: EC 0x24, 0x25
        "SP misaligned\0"u8 +                  // 7: EC 0x26
        "SError\0"u8 +                         // 8: EC 0x2F
        "breakpoint instruction\0"u8 +         // 9: EC 0x3C
        "other\0"u8;                           // 10: any other class

    /// <summary>
    /// Entry <paramref name="index"/> of a table of NUL-terminated UTF-8 texts. The same lookup as
    /// <c>Unikernel.Platform.Utf8Table</c>, kept here because the corelib uses nothing above it
    /// (ilc folds the two identical bodies into one).
    /// </summary>
    private static ReadOnlySpan<byte> TableEntry(ReadOnlySpan<byte> table, int index)
    {
        int start = 0;
        for (int i = 0; i < table.Length; i++)
        {
            if (table[i] != 0)
                continue;
            if (index-- == 0)
                return table.Slice(start, i - start);
            start = i + 1;
        }
        return default;
    }

    [DoesNotReturn]
    private static void Halt(ReadOnlySpan<byte> reason, nuint address)
    {
        Span<byte> line = stackalloc byte[160];
        var text = new PanicLine(line);
        text.Append("panic: "u8);
        text.Append(reason);
        text.Append(" at 0x"u8);
        text.AppendHex(address, sizeof(nint) * 2);
        Stop(text);
    }

    /// <summary>This core's number, MPIDR.Aff0 (the entry code's helper).</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_core_index")]
    private static extern nuint CoreIndex();

    [DoesNotReturn]
    private static void Stop(PanicLine text)
    {
        // A panic while printing a panic must not recurse: the second one only halts.
        if (!s_panicking)
        {
            s_panicking = true;
            // Cores other than core 0 say which they are (the first stages count bytes: one append, at the end).
            nuint core = CoreIndex();
            if (core != 0)
            {
                text.Append(", core "u8);
                text.AppendHex(core, 1);
            }
            text.Append("\r\n"u8);
            WriteConsole(text.Written);
        }
        while (true)
            WaitForever();
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_halt")]
    private static extern void WaitForever();

    /// <summary>Formats the panic line into a stack buffer: a panic must not allocate.</summary>
    private ref struct PanicLine
    {
        private readonly Span<byte> _buffer;
        private int _length;

        public PanicLine(Span<byte> buffer)
        {
            _buffer = buffer;
            _length = 0;
        }

        public readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, _length);

        public void Append(ReadOnlySpan<byte> text)
        {
            for (int i = 0; i < text.Length && _length < _buffer.Length; i++)
                _buffer[_length++] = text[i];
        }

        public void Append(char value)
        {
            if (_length < _buffer.Length)
                _buffer[_length++] = (byte)value;
        }

        public void AppendHex(nuint value, int digits)
        {
            for (int shift = digits * 4 - 4; shift >= 0 && _length < _buffer.Length; shift -= 4)
                _buffer[_length++] = "0123456789abcdef"u8[(int)((value >> shift) & 0xF)];
        }
    }
}
