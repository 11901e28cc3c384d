using System.Buffers.Binary;
using System.Text;
using Unikernel.Boot.Image.DeviceTree;
using Xunit.Abstractions;

namespace Unikernel.Tests.DeviceTree;

/// <summary>
/// The edits the board makes before it jumps to Linux, on the real trees: Debian's Orange Pi PC
/// tree (no /memory, no /psci) and QEMU's virt tree (both present, 2 address cells); each result
/// read back by dtc and by our reader.
/// </summary>
public sealed class LinuxBootEditsTests(ITestOutputHelper output)
{
    private const ulong DramBase = 0x4000_0000;
    private const ulong InitrdStart = 0x4810_0000;
    private const ulong InitrdEnd = 0x4822_3456;

    private static LinuxBootSettings OrangePiPcSettings(ReadOnlySpan<byte> bootargs) => new()
    {
        Bootargs = bootargs,
        InitrdStart = InitrdStart,
        InitrdEnd = InitrdEnd,
        MemoryBase = DramBase,
        MemorySize = 0x4000_0000,
        Psci = true,
    };

    /// <summary>The tree in a buffer with <paramref name="room"/> bytes to grow into.</summary>
    private static byte[] WithRoom(byte[] tree, int room)
    {
        byte[] buffer = new byte[tree.Length + room];
        tree.CopyTo(buffer, 0);
        return buffer;
    }

    [Fact]
    public void The_orangepi_pc_tree_gets_chosen_memory_psci_and_the_cpus_enable_method()
    {
        byte[] original = DeviceTreeFiles.OrangePiPc();
        Assert.Equal(23_405, original.Length);
        byte[] buffer = WithRoom(original, 4096);
        var tree = new FlattenedDeviceTree(buffer);

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        DeviceTreeError error = LinuxBootEdits.Apply(tree, OrangePiPcSettings("console=ttyS0,115200 earlycon"u8));
        TimeSpan took = System.Diagnostics.Stopwatch.GetElapsedTime(start);

        Assert.Equal(DeviceTreeError.None, error);
        Assert.Equal(DeviceTreeError.None, tree.Check());
        output.WriteLine($"{original.Length} -> {tree.TotalSize} bytes in {took.TotalMilliseconds:F2} ms (first call, JIT included)");
        string dts = DeviceTreeFiles.Decompile(tree.Bytes);
        string chosen = DeviceTreeFiles.Node(dts, "/chosen");
        Assert.Contains("bootargs = \"console=ttyS0,115200 earlycon\";", chosen);
        // The H3 tree has one address cell: 32-bit initrd numbers, as U-Boot writes them.
        Assert.Contains("linux,initrd-start = <0x48100000>;", chosen);
        Assert.Contains("linux,initrd-end = <0x48223456>;", chosen);
        Assert.Contains("stdout-path = \"serial0:115200n8\";", chosen); // what was there stays
        string memory = DeviceTreeFiles.Node(dts, "/memory@40000000");
        Assert.Contains("device_type = \"memory\";", memory);
        Assert.Contains("reg = <0x40000000 0x40000000>;", memory);
        string psci = DeviceTreeFiles.Node(dts, "/psci");
        Assert.Contains("compatible = \"arm,psci-1.0\\0arm,psci-0.2\\0arm,psci\";", psci); // dtc 1.6 writes a list as one string
        Assert.Contains("method = \"smc\";", psci);
        Assert.Contains("cpu_suspend = <0x95c1ba5e>;", psci);
        Assert.Contains("cpu_off = <0x95c1ba5f>;", psci);
        Assert.Contains("cpu_on = <0x95c1ba60>;", psci);
        Assert.Contains("migrate = <0x95c1ba61>;", psci);
        for (int cpu = 0; cpu < 4; cpu++)
            Assert.Contains("enable-method = \"psci\";", DeviceTreeFiles.Node(dts, $"/cpus/cpu@{cpu}"));
        // Everything else is as dtc read it before.
        Assert.Equal(Without(DeviceTreeFiles.Decompile(original)), Without(dts));
    }

    /// <summary>dtc's output without the lines the edits add or change, the added nodes and the blank lines between nodes.</summary>
    private static string Without(string dts)
    {
        var kept = new StringBuilder();
        bool skipping = false;
        foreach (string line in dts.Split('\n'))
        {
            if (line is "\tmemory@40000000 {" or "\tpsci {")
                skipping = true;
            else if (skipping)
                skipping = line != "\t};";
            else if (line.Length != 0 && !line.Contains("bootargs") && !line.Contains("linux,initrd-") && !line.Contains("enable-method"))
                kept.AppendLine(line);
        }
        return kept.ToString();
    }

    [Fact]
    public void Our_reader_finds_the_edits_and_the_memory_reservation()
    {
        byte[] buffer = WithRoom(DeviceTreeFiles.OrangePiPc(), 4096);
        var tree = new FlattenedDeviceTree(buffer);
        LinuxBootSettings settings = OrangePiPcSettings("console=ttyS0"u8);
        settings.MemorySize = 0x3ff0_0000; // the top MiB kept by the board ...
        settings.ReservedStart = 0x7fe0_0000; // ... and a range inside Linux's memory reserved
        settings.ReservedLength = 0x10_0000;

        Assert.Equal(DeviceTreeError.None, LinuxBootEdits.Apply(tree, settings));

        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));
        Assert.Equal(DeviceTreeError.None, tree.GetProperty(chosen, "bootargs"u8, out ReadOnlySpan<byte> bootargs));
        Assert.Equal("console=ttyS0\0", Encoding.ASCII.GetString(bootargs));
        Assert.Equal(DeviceTreeError.None, tree.GetU32(chosen, "linux,initrd-end"u8, out uint end));
        Assert.Equal((uint)InitrdEnd, end);
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/memory"u8, out int memory));
        Assert.Equal("memory@40000000", Encoding.ASCII.GetString(tree.NodeName(memory)));
        Assert.Equal(DeviceTreeError.None, tree.GetProperty(memory, "reg"u8, out ReadOnlySpan<byte> reg));
        Assert.Equal([0x40, 0, 0, 0, 0x3f, 0xf0, 0, 0], reg.ToArray());
        Assert.Equal(1, tree.ReservationCount);
        Assert.Equal(DeviceTreeError.None, tree.GetReservation(0, out ulong address, out ulong size));
        Assert.Equal((0x7fe0_0000ul, 0x10_0000ul), (address, size));
        Assert.Contains("/memreserve/\t0x000000007fe00000 0x0000000000100000;", DeviceTreeFiles.Decompile(tree.Bytes));
    }

    [Fact]
    public void The_qemu_virt_tree_keeps_its_nodes_and_gets_64_bit_cells()
    {
        byte[] original = DeviceTreeFiles.QemuVirt();
        byte[] buffer = (byte[])original.Clone(); // QEMU's padding is the room
        var tree = new FlattenedDeviceTree(buffer);
        int used = original.Length;

        DeviceTreeError error = LinuxBootEdits.Apply(tree, new LinuxBootSettings
        {
            Bootargs = "console=ttyAMA0 earlycon"u8,
            InitrdStart = 0x4800_0000,
            InitrdEnd = 0x4812_0000,
            MemoryBase = DramBase,
            MemorySize = 0x1f00_0000,
            Psci = true,
        });

        Assert.Equal(DeviceTreeError.None, error);
        Assert.Equal(used, tree.TotalSize);
        string dts = DeviceTreeFiles.Decompile(tree.Bytes);
        string chosen = DeviceTreeFiles.Node(dts, "/chosen");
        Assert.Contains("bootargs = \"console=ttyAMA0 earlycon\";", chosen);
        Assert.Contains("linux,initrd-start = <0x00 0x48000000>;", chosen);
        Assert.Contains("linux,initrd-end = <0x00 0x48120000>;", chosen);
        Assert.Contains("stdout-path = \"/pl011@9000000\";", chosen);
        string memory = DeviceTreeFiles.Node(dts, "/memory@40000000");
        Assert.Contains("reg = <0x00 0x40000000 0x00 0x1f000000>;", memory);
        Assert.Single(dts.Split('\n'), line => line.StartsWith("\tmemory@", StringComparison.Ordinal));
        string psci = DeviceTreeFiles.Node(dts, "/psci");
        Assert.Contains("method = \"smc\";", psci);
        Assert.Contains("compatible = \"arm,psci-1.0\\0arm,psci-0.2\\0arm,psci\";", psci); // dtc 1.6 writes a list as one string
        for (int cpu = 0; cpu < 4; cpu++)
            Assert.Single(DeviceTreeFiles.Node(dts, $"/cpus/cpu@{cpu}").Split('\n'), line => line.Contains("enable-method = \"psci\";"));
    }

    [Fact]
    public void Without_bootargs_the_trees_own_stay()
    {
        byte[] buffer = WithRoom(DeviceTreeFiles.QemuVirt(), 0);
        var tree = new FlattenedDeviceTree(buffer);
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "root=/dev/vda"u8));

        Assert.Equal(DeviceTreeError.None, LinuxBootEdits.Apply(tree, new LinuxBootSettings { MemoryBase = DramBase, MemorySize = 0x2000_0000 }));

        string chosenNode = DeviceTreeFiles.Node(DeviceTreeFiles.Decompile(tree.Bytes), "/chosen");
        Assert.Contains("bootargs = \"root=/dev/vda\";", chosenNode);
        Assert.DoesNotContain("linux,initrd", chosenNode);
    }

    [Fact]
    public void Too_little_room_is_refused_and_the_tree_is_still_valid()
    {
        byte[] original = DeviceTreeFiles.OrangePiPc();
        byte[] buffer = WithRoom(original, 0);
        var tree = new FlattenedDeviceTree(buffer);

        Assert.Equal(DeviceTreeError.NoRoom, LinuxBootEdits.Apply(tree, OrangePiPcSettings("console=ttyS0"u8)));

        Assert.Equal(original, buffer); // the first edit found no room and wrote nothing
        Assert.Equal(DeviceTreeError.None, tree.Check());
    }

    [Fact]
    public void A_memory_size_beyond_one_size_cell_is_refused()
    {
        byte[] buffer = WithRoom(DeviceTreeFiles.OrangePiPc(), 4096);
        LinuxBootSettings settings = OrangePiPcSettings(default);
        settings.MemorySize = 0x1_0000_0000;

        Assert.Equal(DeviceTreeError.ValueTooLarge, LinuxBootEdits.Apply(new FlattenedDeviceTree(buffer), settings));
    }

    [Fact]
    public void Applying_the_edits_allocates_nothing()
    {
        byte[] original = DeviceTreeFiles.OrangePiPc();
        byte[] warm = WithRoom(original, 4096);
        byte[] buffer = WithRoom(original, 4096);
        LinuxBootEdits.Apply(new FlattenedDeviceTree(warm), OrangePiPcSettings("console=ttyS0"u8)); // JIT first

        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        DeviceTreeError error = LinuxBootEdits.Apply(new FlattenedDeviceTree(buffer), OrangePiPcSettings("console=ttyS0"u8));
        TimeSpan took = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"the edits on the Orange Pi PC tree: {took.TotalMicroseconds:F0} us on the host, {allocated} bytes allocated");

        Assert.Equal(DeviceTreeError.None, error);
        Assert.Equal(0, allocated);
        Assert.Equal(warm, buffer);
    }

    [Fact]
    public void The_edits_fit_whatever_order_the_header_gives_the_blocks()
    {
        // Strings before the structure, reservations last: growing the strings moves the
        // structure, growing the structure moves the reservations, both kept 8-byte aligned.
        byte[] original = DeviceTreeFiles.OrangePiPc();
        byte[] reordered = Reorder(original);
        Assert.Equal(Decompiled(original), Decompiled(reordered));
        byte[] expected = WithRoom(original, 4096);
        byte[] buffer = WithRoom(reordered, 4096);
        LinuxBootSettings settings = OrangePiPcSettings("console=ttyS0,115200"u8);
        settings.ReservedStart = 0x7ff0_0000;
        settings.ReservedLength = 0x10_0000;

        Assert.Equal(DeviceTreeError.None, LinuxBootEdits.Apply(new FlattenedDeviceTree(expected), settings));
        Assert.Equal(DeviceTreeError.None, LinuxBootEdits.Apply(new FlattenedDeviceTree(buffer), settings));

        Assert.Equal(Decompiled(expected), Decompiled(buffer));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16)) % 8);
    }

    private static string Decompiled(byte[] tree) => DeviceTreeFiles.Decompile(new FlattenedDeviceTree(tree).Bytes);

    /// <summary>dtc's tree laid out header, strings, structure, reservations.</summary>
    private static byte[] Reorder(byte[] tree)
    {
        uint Word(int offset) => BinaryPrimitives.ReadUInt32BigEndian(tree.AsSpan(offset));
        int structure = (int)Word(8), strings = (int)Word(12), reservations = (int)Word(16);
        int stringsSize = (int)Word(32), structureSize = (int)Word(36);
        int reservationsSize = structure - reservations;
        byte[] result = new byte[tree.Length + 16];
        tree.AsSpan(0, 40).CopyTo(result);
        int at = 40;
        tree.AsSpan(strings, stringsSize).CopyTo(result.AsSpan(at));
        int newStrings = at;
        at = (at + stringsSize + 3) & ~3;
        tree.AsSpan(structure, structureSize).CopyTo(result.AsSpan(at));
        int newStructure = at;
        at = (at + structureSize + 7) & ~7;
        tree.AsSpan(reservations, reservationsSize).CopyTo(result.AsSpan(at));
        int newReservations = at;
        at += reservationsSize;
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(4), (uint)at);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8), (uint)newStructure);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(12), (uint)newStrings);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(16), (uint)newReservations);
        return result.AsSpan(0, at).ToArray();
    }
}
