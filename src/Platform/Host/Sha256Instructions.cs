namespace Unikernel.Platform;

/// <summary>
/// The host twin of the bare-metal <c>Sha256Instructions</c> (src/Platform/Cpu): the host
/// build hashes with the portable block function, so the instructions are never available here.
/// </summary>
public static unsafe class Sha256Instructions
{
    public static bool Available => false;

    public static void HashBlocks(uint* state, byte* data, nuint count) =>
        Kernel.Panic("Sha256Instructions.HashBlocks: the host has no SHA-256 instructions (ask Available first)"u8);
}
