using System.Collections.Generic;

namespace Unikernel.Registers.Boards
{
    /// <summary>
    /// A board as described in hardware/boards/NAME.yaml: CPU architecture, memory map, the devices
    /// the boot code needs (console, timer, Ethernet PHY, PMIC and its rails) and how an image is
    /// laid out and loaded; and, for a bootloader that takes signed images only, the Ed25519 public
    /// key (<see cref="SigningPublicKey"/>: 64 lowercase hex digits, or null). The generated board constants, the linker script, the image format and
    /// the QEMU command line all derive from it.
    /// </summary>
    public sealed record BoardFile(
        string Path,
        string Name,
        string Description,
        string Soc,
        string Cpu,
        string Arch,
        IReadOnlyList<MemoryRegion> Memory,
        ConsoleUart Console,
        ulong? TimerFrequency,
        EthernetPhy? Ethernet,
        Pmic? Pmic,
        IReadOnlyList<PowerRail>? Power,
        string Entry,
        ImageFormat Format,
        RegionSlice Load,
        RegionSlice Ram,
        ulong HeapSize,
        ulong StackSize,
        Aarch32Switch? Aarch32Switch,
        EmulatorSettings? Emulator,
        SecondStage? SecondStage,
        ProgramLayout? Kernel,
        NetworkDevice? Network = null,
        LinuxPlacement? Linux = null,
        string? SigningPublicKey = null)
    {
        /// <summary>
        /// This board with <paramref name="layout"/> in place of its first-stage image: a flat binary
        /// (no boot ROM header, no AArch32 switch) linked where the layout says.
        /// </summary>
        public BoardFile WithLayout(ProgramLayout layout) => this with
        {
            Format = ImageFormat.Raw,
            Load = layout.Load,
            Ram = layout.Ram,
            HeapSize = layout.HeapSize,
            StackSize = layout.StackSize,
            Aarch32Switch = null,
            SecondStage = null,
        };

        /// <summary>The most bytes the loader takes: the image must fit (for eGON, the 32 KiB of the boot ROM).</summary>
        public ulong LoadLimit => Load.Size;

        /// <summary>The target triple clang assembles the entry code for.</summary>
        public string ClangTarget => Arch == "arm" ? "armv7a-none-eabihf" : "aarch64-none-elf";
    }
}
