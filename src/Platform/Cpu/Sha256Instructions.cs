using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// The SHA-256 block function in the ARMv8 Cryptographic Extension's instructions (SHA256H,
/// SHA256H2, SHA256SU0, SHA256SU1): an assembly helper of the AArch64 entry code
/// (Entry/sha256-armv8.inc). Optional in ARMv8.0, so <see cref="Available"/> reads
/// ID_AA64ISAR0_EL1.SHA2 (bits [15:12], ARM ARM D19.2) each time it is asked; the Cortex-A53
/// has it when the SoC licensed the extension (the A64 did; QEMU's cortex-a53 reports it).
/// ARMv7 (the Cortex-A7) has none: there <see cref="Available"/> is false at compile time and
/// no call to the helper is emitted. The host twin (Host/Sha256Instructions.cs) has none either.
/// </summary>
public static unsafe class Sha256Instructions
{
    /// <summary>True on an AArch64 CPU with the SHA-256 instructions.</summary>
    public static bool Available => sizeof(nint) == 8 && Sha2Field() != 0;

    /// <summary>
    /// Hashes <paramref name="count"/> (at least 1) 64-byte blocks at <paramref name="data"/>, any
    /// alignment, into the eight words H0-H7 at <paramref name="state"/> (FIPS 180-4 6.2.2).
    /// Only where <see cref="Available"/>: elsewhere the instructions are undefined.
    /// </summary>
    public static void HashBlocks(uint* state, byte* data, nuint count)
    {
        // sizeof(nint) is a constant to ilc: an ARMv7 image never calls the AArch64-only helper
        // (its entry code has none to link).
        if (sizeof(nint) == 8)
            Blocks(state, data, count);
        else
            Kernel.Panic("Sha256Instructions.HashBlocks: ARMv7 has no SHA-256 instructions"u8);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_sha256_instructions")]
    private static extern nuint Sha2Field();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_sha256_blocks")]
    private static extern void Blocks(uint* state, byte* data, nuint count);
}
