using System.Runtime.InteropServices;

namespace Unikernel;

/// <summary>
/// Where the linker placed the image, handed to the runtime by the entry code. Layout
/// contract with <c>src/Platform/Entry/*.S</c>: twelve pointer-sized words in this order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ImageLayout
{
    /// <summary>First byte of the loaded image (its load address).</summary>
    public nuint ImageStart;
    /// <summary>One past the last byte the boot ROM or loader must copy.</summary>
    public nuint ImageEnd;
    public nuint HeapStart;
    public nuint HeapEnd;
    public nuint StackBottom;
    public nuint StackTop;
    /// <summary>The linker's build id (a hash of the linked image), and one past its end.</summary>
    public nuint BuildIdStart;
    public nuint BuildIdEnd;
    /// <summary>The linker's <c>__modules</c> section: pointers to ilc's ReadyToRun headers.</summary>
    public nuint ModulesStart;
    public nuint ModulesEnd;
    /// <summary>The board's RAM slice for this image: .bss (and .data when it runs elsewhere), heap, stack.</summary>
    public nuint RamStart;
    public nuint RamEnd;

    public readonly nuint ImageSize => ImageEnd - ImageStart;

    public readonly unsafe ReadOnlySpan<byte> BuildId => new ReadOnlySpan<byte>((void*)BuildIdStart, (int)(BuildIdEnd - BuildIdStart));
}
