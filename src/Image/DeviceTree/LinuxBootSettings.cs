namespace Unikernel.Boot.Image.DeviceTree;

/// <summary>What the board tells Linux through the device tree (<see cref="LinuxBootEdits.Apply"/>).</summary>
public ref struct LinuxBootSettings
{
    /// <summary>The kernel command line for <c>/chosen/bootargs</c>; empty keeps the tree's.</summary>
    public ReadOnlySpan<byte> Bootargs;

    /// <summary>The initramfs's first byte; with <see cref="InitrdEnd"/> equal to it, no initrd.</summary>
    public ulong InitrdStart;

    /// <summary>The address after the initramfs's last byte (Linux takes <c>linux,initrd-end</c> as exclusive).</summary>
    public ulong InitrdEnd;

    /// <summary>Where DRAM starts, for <c>/memory</c>'s <c>reg</c>.</summary>
    public ulong MemoryBase;

    /// <summary>How much DRAM Linux may use from <see cref="MemoryBase"/>: the detected size, less what the board keeps at the top for itself.</summary>
    public ulong MemorySize;

    /// <summary>A range inside the memory that Linux must leave alone (a /memreserve/ entry), such as a resident secure monitor; length 0 for none.</summary>
    public ulong ReservedStart;

    /// <summary>The length of the reserved range.</summary>
    public ulong ReservedLength;

    /// <summary>Write <c>/psci</c> (SMC conduit) and <c>enable-method = "psci"</c> on every CPU: the board provides PSCI.</summary>
    public bool Psci;
}
