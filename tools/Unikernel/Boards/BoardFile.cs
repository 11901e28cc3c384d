namespace Unikernel.Tool.Boards;

/// <summary>A memory region of a board's map (hardware/boards/*.yaml, <c>memory:</c>).</summary>
public sealed record MemoryRegion(string Name, ulong Base, ulong Size)
{
    public ulong End => Base + Size;
}

/// <summary>A place inside a region: where the image loads, or where its RAM sections go.</summary>
public sealed record RegionSlice(MemoryRegion Region, ulong Offset, ulong Size)
{
    public ulong Address => Region.Base + Offset;
}

/// <summary>
/// Where a program other than the first stage links and runs: the second stage the first stage
/// loads from the SD card, or a kernel the bootloader takes over the network.
/// </summary>
public sealed record ProgramLayout(RegionSlice Load, RegionSlice Ram, ulong HeapSize, ulong StackSize);

/// <summary>The netboot program on boards whose boot ROM loads too little: read from the SD card at <paramref name="CardOffset"/>.</summary>
public sealed record SecondStage(ulong CardOffset, ProgramLayout Layout);

/// <summary>The A64's start in AArch32: where to write the AArch64 reset address, and the stub's size.</summary>
public sealed record Aarch32Switch(ulong RvbarAddress, ulong StubSize);

public enum ImageFormat
{
    /// <summary>Allwinner boot ROM: eGON.BT0 header with checksum; on an SD card at byte 8 KiB.</summary>
    Egon,
    /// <summary>A flat binary, loaded as firmware (QEMU's -bios).</summary>
    Raw,
}

public enum EmulatorBoot
{
    SdCard,
    Bios,
}

/// <summary>How QEMU runs this board, if it can.</summary>
public sealed record EmulatorSettings(string Command, string Machine, IReadOnlyList<string> Options, EmulatorBoot Boot);

/// <summary>
/// A board as described in hardware/boards/NAME.yaml: CPU architecture, memory map and how an
/// image is laid out and loaded. The linker script, the image format and the QEMU command line
/// all derive from it.
/// </summary>
public sealed record BoardFile(
    string Path,
    string Name,
    string Description,
    string Soc,
    string Cpu,
    string Arch,
    IReadOnlyList<MemoryRegion> Memory,
    string Entry,
    ImageFormat Format,
    RegionSlice Load,
    RegionSlice Ram,
    ulong HeapSize,
    ulong StackSize,
    Aarch32Switch? Aarch32Switch,
    EmulatorSettings? Emulator,
    SecondStage? SecondStage = null,
    ProgramLayout? Kernel = null)
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
