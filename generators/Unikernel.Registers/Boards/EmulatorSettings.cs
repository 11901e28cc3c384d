using System.Collections.Generic;

namespace Unikernel.Registers.Boards
{
    public enum EmulatorBoot
    {
        SdCard,
        Bios,
    }

    /// <summary>How QEMU runs this board, if it can (<c>emulator:</c>).</summary>
    public sealed record EmulatorSettings(string Command, string Machine, IReadOnlyList<string> Options, EmulatorBoot Boot);
}
