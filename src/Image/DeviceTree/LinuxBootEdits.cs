namespace Unikernel.Boot.Image.DeviceTree;

/// <summary>
/// The edits a bootloader makes to a device tree before it jumps to Linux, as U-Boot does
/// (boot/fdt_support.c: fdt_chosen, fdt_initrd, fdt_fixup_memory; arch/arm/lib/psci-dt.c):
/// <c>/chosen</c> (bootargs, initrd), <c>/memory</c>, <c>/psci</c> and the CPUs' enable-method.
/// Linux needs them (Documentation/arch/arm/booting.rst): the Debian Orange Pi PC tree has no
/// <c>/memory</c>, no <c>/psci</c> and no enable-method.
/// </summary>
public static class LinuxBootEdits
{
    /// <summary>PSCI v0.1's function IDs, as U-Boot writes them (arch/arm/include/asm/psci.h: ARM_PSCI_FN_BASE + 0..3).</summary>
    public const uint PsciCpuSuspend = 0x95c1ba5e;
    public const uint PsciCpuOff = PsciCpuSuspend + 1;
    public const uint PsciCpuOn = PsciCpuSuspend + 2;
    public const uint PsciMigrate = PsciCpuSuspend + 3;

    /// <summary>
    /// Checks <paramref name="tree"/> and makes the edits <paramref name="settings"/> ask for. A
    /// malformed tree is refused before anything is written; past the check, an edit can fail
    /// only for room (<see cref="DeviceTreeError.NoRoom"/>), the tree still valid with the edits
    /// made so far, or for a value the tree's cells cannot hold (<see cref="DeviceTreeError.ValueTooLarge"/>).
    /// </summary>
    public static DeviceTreeError Apply(FlattenedDeviceTree tree, in LinuxBootSettings settings)
    {
        DeviceTreeError error = tree.FindRoot(out int root);
        if (error != DeviceTreeError.None)
            return error;
        // Section 2.3.5: a node without #address-cells / #size-cells means 2 and 1.
        uint addressCells = ReadCells(tree, root, "#address-cells"u8, 2);
        uint sizeCells = ReadCells(tree, root, "#size-cells"u8, 1);
        if (addressCells > 4 || sizeCells > 4)
            return DeviceTreeError.BadValue;

        error = EditChosen(tree, root, in settings, addressCells);
        if (error == DeviceTreeError.None)
            error = EditMemory(tree, in settings, (int)addressCells, (int)sizeCells);
        if (error == DeviceTreeError.None && settings.ReservedLength != 0)
            error = tree.AddReservation(settings.ReservedStart, settings.ReservedLength);
        if (error == DeviceTreeError.None && settings.Psci)
            error = EditPsci(tree);
        return error;
    }

    private static uint ReadCells(FlattenedDeviceTree tree, int node, ReadOnlySpan<byte> name, uint absent) =>
        tree.GetU32(node, name, out uint cells) == DeviceTreeError.None ? cells : absent;

    private static DeviceTreeError EditChosen(FlattenedDeviceTree tree, int root, in LinuxBootSettings settings, uint addressCells)
    {
        DeviceTreeError error = tree.AddNode(root, "chosen"u8, out int chosen);
        if (error == DeviceTreeError.None && settings.Bootargs.Length != 0)
            error = tree.SetString(chosen, "bootargs"u8, settings.Bootargs);
        if (error != DeviceTreeError.None || settings.InitrdEnd == settings.InitrdStart)
            return error;
        if (settings.InitrdEnd < settings.InitrdStart)
            return DeviceTreeError.BadValue;
        // Linux reads both as one number of whatever length (of_read_number over len / 4 cells);
        // U-Boot writes 64 bits when the root has two address cells, and so do we, or when the
        // address needs them.
        bool wide = addressCells >= 2 || settings.InitrdEnd > uint.MaxValue;
        error = SetNumber(tree, chosen, "linux,initrd-start"u8, settings.InitrdStart, wide);
        if (error == DeviceTreeError.None)
            error = SetNumber(tree, chosen, "linux,initrd-end"u8, settings.InitrdEnd, wide);
        return error;
    }

    private static DeviceTreeError SetNumber(FlattenedDeviceTree tree, int node, ReadOnlySpan<byte> name, ulong value, bool wide) =>
        wide ? tree.SetU64(node, name, value) : tree.SetU32(node, name, (uint)value);

    /// <summary>The first <c>/memory</c> node (any unit address), or a new <c>memory@BASE</c>; its <c>reg</c> and <c>device_type</c>.</summary>
    private static DeviceTreeError EditMemory(FlattenedDeviceTree tree, in LinuxBootSettings settings, int addressCells, int sizeCells)
    {
        DeviceTreeError error = tree.FindNode("/memory"u8, out int memory);
        if (error == DeviceTreeError.NotFound)
        {
            Span<byte> name = stackalloc byte[7 + 16];
            error = tree.FindRoot(out int root);
            if (error == DeviceTreeError.None)
                error = tree.AddNode(root, MemoryNodeName(name, settings.MemoryBase), out memory);
        }
        if (error == DeviceTreeError.None)
            error = tree.SetString(memory, "device_type"u8, "memory"u8);
        if (error == DeviceTreeError.None)
            error = tree.SetCellPair(memory, "reg"u8, settings.MemoryBase, addressCells, settings.MemorySize, sizeCells);
        return error;
    }

    /// <summary><c>memory@</c> and the base in lower-case hexadecimal without leading zeros (section 2.2.1's unit address).</summary>
    private static ReadOnlySpan<byte> MemoryNodeName(Span<byte> name, ulong address)
    {
        "memory@"u8.CopyTo(name);
        int length = 7;
        int digits = 1;
        while (digits < 16 && address >> (4 * digits) != 0)
            digits++;
        for (int digit = digits - 1; digit >= 0; digit--)
            name[length++] = (byte)"0123456789abcdef"u8[(int)(address >> (4 * digit)) & 0xf];
        return name.Slice(0, length);
    }

    /// <summary>
    /// <c>/psci</c> as U-Boot's fdt_psci writes it for a PSCI 1.0 monitor (the compatible list
    /// down to v0.1, method "smc", the v0.1 IDs), and <c>enable-method = "psci"</c> on each
    /// <c>/cpus</c> subnode whose device_type is "cpu" (Documentation/devicetree/bindings/arm/psci.yaml).
    /// </summary>
    private static DeviceTreeError EditPsci(FlattenedDeviceTree tree)
    {
        int psci = -1;
        DeviceTreeError error = tree.FindRoot(out int root);
        if (error == DeviceTreeError.None)
            error = tree.AddNode(root, "psci"u8, out psci);
        if (error == DeviceTreeError.None)
            error = tree.SetStringList(psci, "compatible"u8, "arm,psci-1.0\0arm,psci-0.2\0arm,psci\0"u8);
        if (error == DeviceTreeError.None)
            error = tree.SetString(psci, "method"u8, "smc"u8);
        if (error == DeviceTreeError.None)
            error = tree.SetU32(psci, "cpu_suspend"u8, PsciCpuSuspend);
        if (error == DeviceTreeError.None)
            error = tree.SetU32(psci, "cpu_off"u8, PsciCpuOff);
        if (error == DeviceTreeError.None)
            error = tree.SetU32(psci, "cpu_on"u8, PsciCpuOn);
        if (error == DeviceTreeError.None)
            error = tree.SetU32(psci, "migrate"u8, PsciMigrate);
        if (error != DeviceTreeError.None)
            return error;

        int cpu = -1;
        error = tree.FindNode("/cpus"u8, out int cpus);
        if (error == DeviceTreeError.None)
            error = tree.FirstChild(cpus, out cpu);
        while (error == DeviceTreeError.None)
        {
            // Editing a CPU node moves what follows it, not the node itself: its handle stays good.
            if (IsCpu(tree, cpu))
                error = tree.SetString(cpu, "enable-method"u8, "psci"u8);
            if (error == DeviceTreeError.None)
                error = tree.NextSibling(cpu, out cpu);
        }
        return error == DeviceTreeError.NotFound ? DeviceTreeError.None : error;
    }

    private static bool IsCpu(FlattenedDeviceTree tree, int node) =>
        tree.GetProperty(node, "device_type"u8, out ReadOnlySpan<byte> type) == DeviceTreeError.None && type.SequenceEqual("cpu\0"u8);
}
