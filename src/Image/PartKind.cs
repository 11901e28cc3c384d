namespace Unikernel.Boot.Image;

/// <summary>What a part of a version 2 image is (docs/image-format.md, "Version 2"): the kind byte of its part entry.</summary>
public enum PartKind : byte
{
    /// <summary>The program jumped to: a unikernel, a Linux zImage or a Linux arm64 Image.</summary>
    Kernel = 1,
    /// <summary>A flattened device tree (devicetree.org specification); its room is what it may grow into when edited.</summary>
    DeviceTree = 2,
    /// <summary>An initial RAM disk (Linux's initramfs, a cpio archive).</summary>
    Initrd = 3,
    /// <summary>The kernel's command line: kept by the bootloader (load address 0), at most 2048 bytes, no NUL.</summary>
    CommandLine = 4,
}
