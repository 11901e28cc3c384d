namespace Unikernel.Boot.Image;

/// <summary>How the bootloader enters a version 2 image's kernel (docs/image-format.md, "Version 2").</summary>
public enum BootProtocol : byte
{
    /// <summary>As version 1: a jump to the entry point.</summary>
    Unikernel = 0,
    /// <summary>A 32-bit Linux zImage (Linux Documentation/arch/arm/booting.rst): r0 = 0, r1 = ~0, r2 = the device tree.</summary>
    LinuxZImage = 1,
    /// <summary>A Linux arm64 Image (Linux Documentation/arch/arm64/booting.rst): x0 = the device tree.</summary>
    LinuxArm64Image = 2,
}
