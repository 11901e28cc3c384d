using System.Buffers.Binary;
using System.Text;
using Unikernel.Boot.Image.DeviceTree;

namespace Unikernel.Tests.DeviceTree;

/// <summary>The editor's own operations on the Debian Orange Pi PC tree, read back by dtc and by our reader.</summary>
public sealed class FlattenedDeviceTreeTests
{
    private static byte[] OrangePiPc(int room)
    {
        byte[] original = DeviceTreeFiles.OrangePiPc();
        byte[] buffer = new byte[original.Length + room];
        original.CopyTo(buffer, 0);
        return buffer;
    }

    [Fact]
    public void Nodes_are_found_by_path_with_or_without_their_unit_address()
    {
        var tree = new FlattenedDeviceTree(OrangePiPc(0));
        Assert.Equal(DeviceTreeError.None, tree.Check());

        Assert.Equal(DeviceTreeError.None, tree.FindNode("/cpus/cpu@2"u8, out int cpu));
        Assert.Equal("cpu@2", Encoding.ASCII.GetString(tree.NodeName(cpu)));
        Assert.Equal(DeviceTreeError.None, tree.GetU32(cpu, "reg"u8, out uint reg));
        Assert.Equal(2u, reg);
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/cpus/cpu"u8, out int first));
        Assert.Equal("cpu@0", Encoding.ASCII.GetString(tree.NodeName(first)));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/soc/ethernet@1c30000/"u8, out _));
        Assert.Equal(DeviceTreeError.NotFound, tree.FindNode("/memory"u8, out _));
        Assert.Equal(DeviceTreeError.NotFound, tree.FindNode("/cpus/cpu@4"u8, out _));
        Assert.Equal(DeviceTreeError.BadName, tree.FindNode("chosen"u8, out _));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/"u8, out int root));
        Assert.Equal(0, tree.NodeName(root).Length);
    }

    [Fact]
    public void The_children_of_a_node_are_walked_in_order()
    {
        var tree = new FlattenedDeviceTree(OrangePiPc(0));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/cpus"u8, out int cpus));
        var names = new List<string>();
        DeviceTreeError error = tree.FirstChild(cpus, out int child);
        while (error == DeviceTreeError.None)
        {
            names.Add(Encoding.ASCII.GetString(tree.NodeName(child)));
            error = tree.NextSibling(child, out child);
        }
        Assert.Equal(DeviceTreeError.NotFound, error);
        Assert.Equal(["cpu@0", "cpu@1", "cpu@2", "cpu@3"], names);
    }

    [Fact]
    public void A_property_grows_shrinks_and_is_replaced_in_place()
    {
        byte[] buffer = OrangePiPc(4096);
        var tree = new FlattenedDeviceTree(buffer);
        int size = tree.TotalSize;
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));

        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "console=ttyS0"u8));
        int withShort = tree.TotalSize;
        // Token, length, name offset and "console=ttyS0\0" (28 bytes) in the structure block,
        // moving the strings block after it by 32 (8-byte steps); "bootargs\0" appended to it.
        Assert.Equal(size + 32 + "bootargs\0".Length, withShort);
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, new string('x', 301).Select(c => (byte)c).ToArray()));
        Assert.Equal(withShort + 304 - 16, tree.TotalSize);
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "quiet"u8));
        Assert.Equal(withShort - 8, tree.TotalSize);
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "loud!"u8));
        Assert.Equal(withShort - 8, tree.TotalSize);

        string dts = DeviceTreeFiles.Decompile(tree.Bytes);
        Assert.Single(dts.Split('\n'), line => line.Contains("bootargs"));
        Assert.Contains("\t\tbootargs = \"loud!\";", DeviceTreeFiles.Node(dts, "/chosen"));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out chosen));
        Assert.Equal(DeviceTreeError.None, tree.GetProperty(chosen, "bootargs"u8, out ReadOnlySpan<byte> value));
        Assert.Equal("loud!\0", Encoding.ASCII.GetString(value));
        Assert.True(buffer.AsSpan(tree.TotalSize).IndexOfAnyExcept((byte)0) < 0, "bytes left behind past the end");
    }

    [Fact]
    public void A_property_name_already_in_the_strings_block_is_reused()
    {
        var tree = new FlattenedDeviceTree(OrangePiPc(4096));
        int strings = BinaryPrimitives.ReadInt32BigEndian(tree.Bytes.Slice(32));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));

        Assert.Equal(DeviceTreeError.None, tree.SetU32(chosen, "#address-cells"u8, 1));
        Assert.Equal(DeviceTreeError.None, tree.SetU32(chosen, "cells"u8, 7)); // the end of "#address-cells"

        Assert.Equal(strings, BinaryPrimitives.ReadInt32BigEndian(tree.Bytes.Slice(32)));
        string node = DeviceTreeFiles.Node(DeviceTreeFiles.Decompile(tree.Bytes), "/chosen");
        Assert.Contains("#address-cells = <0x01>;", node);
        Assert.Contains("cells = <0x07>;", node);
    }

    [Fact]
    public void Adding_a_node_that_exists_finds_it_and_a_new_one_goes_after_its_siblings()
    {
        var tree = new FlattenedDeviceTree(OrangePiPc(4096));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/"u8, out int root));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));
        int size = tree.TotalSize;

        Assert.Equal(DeviceTreeError.None, tree.AddNode(root, "chosen"u8, out int found));
        Assert.Equal(chosen, found);
        Assert.Equal(size, tree.TotalSize);
        Assert.Equal(DeviceTreeError.None, tree.AddNode(root, "reserved@7f000000"u8, out int added));
        Assert.Equal(size + 32, tree.TotalSize); // 4 + "reserved@7f000000\0" padded to 20 + 4, the strings moved by 32
        Assert.Equal(DeviceTreeError.None, tree.SetCellPair(added, "reg"u8, 0x7f00_0000, 1, 0x10_0000, 1));
        Assert.Equal(DeviceTreeError.BadName, tree.AddNode(root, "a/b"u8, out _));

        string dts = DeviceTreeFiles.Decompile(tree.Bytes);
        Assert.Contains("reg = <0x7f000000 0x100000>;", DeviceTreeFiles.Node(dts, "/reserved@7f000000"));
        string[] lines = dts.Split('\n');
        Assert.Equal("\treserved@7f000000 {", lines[Array.LastIndexOf(lines, "};") - 3]);
    }

    [Fact]
    public void A_handle_made_stale_by_an_edit_is_refused()
    {
        var tree = new FlattenedDeviceTree(OrangePiPc(4096));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/cpus/cpu@1"u8, out int cpu));
        Assert.True(chosen < cpu);
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "x"u8));

        Assert.Equal(DeviceTreeError.NotANode, tree.SetString(cpu, "enable-method"u8, "psci"u8)); // the CPU moved by 16 bytes
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "y"u8)); // chosen did not
        Assert.Equal(DeviceTreeError.NotANode, tree.GetProperty(chosen + 2, "x"u8, out _));
        Assert.Equal(DeviceTreeError.NotANode, tree.SetU32(-5, "x"u8, 0));
    }

    [Fact]
    public void Cells_that_cannot_hold_a_value_are_refused_and_nothing_is_written()
    {
        byte[] buffer = OrangePiPc(4096);
        byte[] before = (byte[])buffer.Clone();
        var tree = new FlattenedDeviceTree(buffer);
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));

        Assert.Equal(DeviceTreeError.ValueTooLarge, tree.SetCellPair(chosen, "reg"u8, 0x1_0000_0000, 1, 1, 1));
        Assert.Equal(DeviceTreeError.ValueTooLarge, tree.SetCellPair(chosen, "reg"u8, 0, 5, 1, 1));
        Assert.Equal(DeviceTreeError.BadValue, tree.SetString(chosen, "bootargs"u8, "a\0b"u8));
        Assert.Equal(DeviceTreeError.BadValue, tree.SetStringList(chosen, "compatible"u8, "a\0b"u8));
        Assert.Equal(DeviceTreeError.BadValue, tree.AddReservation(0x4000_0000, 0));
        Assert.Equal(DeviceTreeError.BadName, tree.SetU32(chosen, ""u8, 0));
        Assert.Equal(before, buffer);
    }

    [Fact]
    public void An_edit_that_does_not_fit_the_capacity_fails_with_no_room_and_writes_nothing()
    {
        byte[] buffer = OrangePiPc(40);
        var tree = new FlattenedDeviceTree(buffer);
        Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));
        byte[] before = (byte[])buffer.Clone();

        // 12 bytes of token and 16 of value move the strings by 32, then "bootargs\0": 41 > 40.
        Assert.Equal(DeviceTreeError.NoRoom, tree.SetString(chosen, "bootargs"u8, "console=ttyS0,1"u8));
        Assert.Equal(before, buffer);
        // 12 + 12 move them by 24: 33 bytes fit.
        Assert.Equal(DeviceTreeError.None, tree.SetString(chosen, "bootargs"u8, "console=tty"u8));
        Assert.Equal(before.Length - 40 + 33, tree.TotalSize);
        Assert.Contains("bootargs = \"console=tty\";", DeviceTreeFiles.Decompile(tree.Bytes));
    }
}
