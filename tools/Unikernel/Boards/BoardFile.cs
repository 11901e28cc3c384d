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
    EmulatorSettings? Emulator)
{
    /// <summary>The most bytes the loader takes: the image must fit (for eGON, the 32 KiB of the boot ROM).</summary>
    public ulong LoadLimit => Load.Size;

    /// <summary>The target triple clang assembles the entry code for.</summary>
    public string ClangTarget => Arch == "arm" ? "armv7a-none-eabihf" : "aarch64-none-elf";
}
