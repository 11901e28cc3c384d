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
    }

    /// <summary>
    /// Stops the machine for a broken invariant: prints <c>panic: &lt;reason&gt; at 0x&lt;address
    /// of the call&gt;</c> on the console and halts this core. Never returns.
    /// </summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Panic(string reason) => Halt(reason, CallSite(0));

    /// <summary>For the runtime's throw helpers: reports the method that called the helper.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void PanicAtCaller(string reason) => Halt(reason, CallSite(1));

    /// <summary>For the exception vectors: reports a CPU exception by its class and addresses.</summary>
    [RuntimeExport("__unikernel_exception")]
    private static void Exception(nuint kind, nuint syndrome, nuint address, nuint faultAddress)
    {
        Span<byte> line = stackalloc byte[160];
        var text = new PanicLine(line);
        text.Append("panic: unexpected exception ");
        text.Append(ExceptionName(kind));
        text.Append(" syndrome 0x");
        text.AppendHex(syndrome);
        text.Append(" fault address 0x");
        text.AppendHex(faultAddress);
        text.Append(" at 0x");
        text.AppendHex(address);
        Stop(text);
    }

    private static string ExceptionName(nuint kind) => kind switch
    {
        0 => "synchronous",
        1 => "irq",
        2 => "fiq",
        3 => "serror",
        4 => "undefined-instruction",
        5 => "prefetch-abort",
        6 => "data-abort",
        7 => "supervisor-call",
        _ => "unknown",
    };

    [DoesNotReturn]
    private static void Halt(string reason, nuint address)
    {
        Span<byte> line = stackalloc byte[160];
        var text = new PanicLine(line);
        text.Append("panic: ");
        text.Append(reason);
        text.Append(" at 0x");
        text.AppendHex(address);
        Stop(text);
    }

    [DoesNotReturn]
    private static void Stop(PanicLine text)
    {
        // A panic while printing a panic must not recurse: the second one only halts.
        if (!s_panicking)
        {
            s_panicking = true;
            text.Append("\r\n");
            WriteConsole(text.Written);
        }
        while (true)
            WaitForever();
    }

    /// <summary>The address of the call instruction <paramref name="framesUp"/> frames above the caller.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_call_site")]
    private static extern nuint CallSite(nuint framesUp);

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

        public void Append(string text)
        {
            for (int i = 0; i < text.Length && _length < _buffer.Length; i++)
                _buffer[_length++] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
        }

        public void AppendHex(nuint value)
        {
            for (int shift = sizeof(nuint) * 8 - 4; shift >= 0 && _length < _buffer.Length; shift -= 4)
                _buffer[_length++] = (byte)"0123456789abcdef"[(int)((value >> shift) & 0xF)];
        }
    }
}
