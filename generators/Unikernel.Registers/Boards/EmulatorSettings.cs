using System.Collections.Generic;

namespace Unikernel.Registers.Boards
{
    public enum EmulatorBoot
    {
        SdCard,
        Bios,
    }

    /// <summary>
    /// How QEMU runs this board, if it can (<c>emulator:</c>). <paramref name="Nic"/> is the QEMU
    /// device that is the board's network card (<c>-device NIC,netdev=...</c>); without it the
    /// machine's own NIC is used (<c>-net nic,netdev=...</c>, the EMAC of orangepi-pc).
    /// </summary>
    public sealed record EmulatorSettings(string Command, string Machine, IReadOnlyList<string> Options, EmulatorBoot Boot, string? Nic = null);
}
