using System.Diagnostics.CodeAnalysis;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>Hands the machine to a program the bootloader loaded (a kernel, a second stage).</summary>
public static class LoadedProgram
{
    /// <summary>
    /// Jumps to <paramref name="entry"/> with the registers the Linux boot protocols expect and no
    /// device tree. Never returns. Stop DMA and clean the data cache first.
    /// </summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_jump")]
    public static extern void Jump(nuint entry);
}
