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
    /// of the call&gt;</c> on the console and halts this core. Never returns. (An assembly
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

    private static ReadOnlySpan<byte> CheckName(RuntimeCheck check) => check switch
    {
        RuntimeCheck.IndexOutOfRange => "index out of range"u8,
        RuntimeCheck.NullReference => "null reference"u8,
        RuntimeCheck.DivideByZero => "divide by zero"u8,
        RuntimeCheck.Overflow => "arithmetic overflow"u8,
        RuntimeCheck.ArgumentOutOfRange => "argument out of range"u8,
        RuntimeCheck.Argument => "invalid argument"u8,
        RuntimeCheck.DestinationTooShort => "destination too short"u8,
        RuntimeCheck.ArrayTypeMismatch => "array type mismatch"u8,
        RuntimeCheck.PlatformNotSupported => "not supported on this platform"u8,
        RuntimeCheck.NotImplemented => "not implemented"u8,
        RuntimeCheck.NotSupported => "not supported"u8,
        RuntimeCheck.InvalidProgram => "invalid program"u8,
        RuntimeCheck.TypeLoad => "type load failure"u8,
        RuntimeCheck.BadImageFormat => "bad image format"u8,
        _ => "unknown runtime check"u8,
    };

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

    private static ReadOnlySpan<byte> ExceptionName(nuint kind) => kind switch
    {
        0 => "synchronous"u8,
        1 => "IRQ"u8,
        2 => "FIQ"u8,
        _ => "SError"u8,
    };

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

    private static ReadOnlySpan<byte> ExceptionClassName(uint exceptionClass) => exceptionClass switch
    {
        0x00 => "undefined instruction"u8,
        0x07 => "FP/SIMD access trapped"u8,
        0x0E => "illegal execution state"u8,
        0x15 or 0x17 => "supervisor/secure monitor call"u8,
        0x20 or 0x21 => "instruction abort"u8,
        0x22 => "PC misaligned"u8,
        0x24 or 0x25 => "data abort"u8,
        0x26 => "SP misaligned"u8,
        0x2F => "SError"u8,
        0x3C => "breakpoint instruction"u8,
        _ => "other"u8,
    };

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

    [DoesNotReturn]
    private static void Stop(PanicLine text)
    {
        // A panic while printing a panic must not recurse: the second one only halts.
        if (!s_panicking)
        {
            s_panicking = true;
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
