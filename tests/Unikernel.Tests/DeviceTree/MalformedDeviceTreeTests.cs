using System.Buffers.Binary;
using System.Text;
using Unikernel.Boot.Image.DeviceTree;
using Xunit.Abstractions;

namespace Unikernel.Tests.DeviceTree;

/// <summary>
/// Broken trees are refused with their reason and never written to: each damage the header
/// check and the structure walk look for, on the Debian Orange Pi PC tree, then thousands of
/// random damages that must never fault and leave either a refusal or a tree dtc still reads.
/// </summary>
public sealed class MalformedDeviceTreeTests(ITestOutputHelper output)
{
    private static DeviceTreeError ApplyEdits(FlattenedDeviceTree tree) => LinuxBootEdits.Apply(tree, new LinuxBootSettings
    {
        Bootargs = "console=ttyS0,115200 earlycon"u8,
        InitrdStart = 0x4810_0000,
        InitrdEnd = 0x4820_0000,
        MemoryBase = 0x4000_0000,
        MemorySize = 0x4000_0000,
        ReservedStart = 0x7ff0_0000,
        ReservedLength = 0x10_0000,
        Psci = true,
    });

    private static byte[] Damaged(Action<byte[]> damage, int room = 1024)
    {
        byte[] original = DeviceTreeFiles.OrangePiPc();
        byte[] buffer = new byte[original.Length + room];
        original.CopyTo(buffer, 0);
        damage(buffer);
        return buffer;
    }

    private static uint Word(byte[] tree, int offset) => BinaryPrimitives.ReadUInt32BigEndian(tree.AsSpan(offset));

    private static void SetWord(byte[] tree, int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(tree.AsSpan(offset), value);

    /// <summary>The tree is refused with <paramref name="expected"/> by Check and by the edits, which write nothing.</summary>
    private static void AssertRefused(DeviceTreeError expected, byte[] buffer)
    {
        byte[] before = (byte[])buffer.Clone();
        var tree = new FlattenedDeviceTree(buffer);
        Assert.Equal(expected, tree.Check());
        Assert.Equal(expected, ApplyEdits(tree));
        Assert.Equal(before, buffer);
        Assert.NotEqual("unknown reason", Encoding.ASCII.GetString(FlattenedDeviceTree.Describe(expected)));
    }

    private const int TotalSize = 4, StructureOffset = 8, StringsOffset = 12, ReservationsOffset = 16, Version = 20, StringsSize = 32, StructureSize = 36;

    [Fact]
    public void A_buffer_shorter_than_the_header_is_refused_as_truncated() =>
        AssertRefused(DeviceTreeError.Truncated, DeviceTreeFiles.OrangePiPc()[..39]);

    [Fact]
    public void A_tree_cut_short_is_refused_as_its_totalsize_is_beyond_the_buffer() =>
        AssertRefused(DeviceTreeError.TotalSizeBeyondBuffer, DeviceTreeFiles.OrangePiPc()[..20_000]);

    [Fact]
    public void A_bad_magic_is_refused() => AssertRefused(DeviceTreeError.BadMagic, Damaged(tree => tree[0] = 0xd1));

    [Fact]
    public void A_totalsize_beyond_the_buffer_is_refused() =>
        AssertRefused(DeviceTreeError.TotalSizeBeyondBuffer, Damaged(tree => SetWord(tree, TotalSize, (uint)tree.Length + 1)));

    [Fact]
    public void Version_16_and_a_last_compatible_version_past_17_are_refused()
    {
        AssertRefused(DeviceTreeError.UnsupportedVersion, Damaged(tree => SetWord(tree, Version, 16)));
        AssertRefused(DeviceTreeError.UnsupportedVersion, Damaged(tree => SetWord(tree, Version + 4, 18)));
    }

    [Theory]
    [InlineData(StructureOffset, 8u)] // inside the header
    [InlineData(StringsOffset, 23_400u)] // runs past totalsize
    [InlineData(ReservationsOffset, 23_400u)] // no room for its terminator
    [InlineData(StructureSize, 0xffff_fff0u)] // wraps past 2^32
    public void A_block_outside_totalsize_is_refused(int field, uint value) =>
        AssertRefused(DeviceTreeError.BlockOutOfRange, Damaged(tree => SetWord(tree, field, value)));

    [Fact]
    public void Misaligned_blocks_are_refused()
    {
        AssertRefused(DeviceTreeError.BlockMisaligned, Damaged(tree => SetWord(tree, StructureOffset, Word(tree, StructureOffset) + 2)));
        AssertRefused(DeviceTreeError.BlockMisaligned, Damaged(tree => SetWord(tree, ReservationsOffset, Word(tree, ReservationsOffset) + 4)));
    }

    [Fact]
    public void Overlapping_blocks_are_refused() =>
        AssertRefused(DeviceTreeError.BlocksOverlap, Damaged(tree => SetWord(tree, StringsOffset, Word(tree, StructureOffset) + 64)));

    [Fact]
    public void A_node_name_without_its_nul_in_the_structure_block_is_refused() =>
        AssertRefused(DeviceTreeError.UnterminatedName, Damaged(tree =>
        {
            // End the structure block two bytes into the name "cpus".
            int structure = (int)Word(tree, StructureOffset);
            int name = structure + tree.AsSpan(structure).IndexOf("\0\0\0\u0001cpus\0"u8) + 4;
            SetWord(tree, StructureSize, (uint)(name + 2 - structure));
        }));

    [Fact]
    public void An_unknown_token_is_refused() =>
        // The root's name is empty: its first property's token is at +8.
        AssertRefused(DeviceTreeError.BadToken, Damaged(tree => SetWord(tree, (int)Word(tree, StructureOffset) + 8, 5)));

    [Fact]
    public void A_property_name_offset_outside_the_strings_block_is_refused() =>
        AssertRefused(DeviceTreeError.StringOffsetOutOfRange, Damaged(tree => SetWord(tree, (int)Word(tree, StructureOffset) + 16, Word(tree, StringsSize))));

    [Fact]
    public void A_property_value_running_past_the_structure_block_is_refused() =>
        AssertRefused(DeviceTreeError.StructureOverrun, Damaged(tree => SetWord(tree, (int)Word(tree, StructureOffset) + 12, 0x7fff_fff0)));

    [Fact]
    public void A_node_left_open_is_refused() =>
        AssertRefused(DeviceTreeError.UnbalancedNodes, Damaged(tree =>
        {
            // The root's FDT_END_NODE, just before FDT_END, made an FDT_NOP.
            int end = (int)(Word(tree, StructureOffset) + Word(tree, StructureSize)) - 8;
            Assert.Equal(2u, Word(tree, end));
            SetWord(tree, end, 4);
        }));

    [Fact]
    public void A_property_after_a_subnode_is_refused()
    {
        // "/ { p = <1>; n { }; };": root (8 bytes), p (16), n (8 + 4). Moving p after n's end
        // keeps every size and offset.
        byte[] tree = Compile("/dts-v1/;\n/ { p = <1>; n { }; };\n");
        int structure = (int)Word(tree, StructureOffset);
        byte[] property = tree[(structure + 8)..(structure + 24)];
        tree.AsSpan(structure + 24, 12).CopyTo(tree.AsSpan(structure + 8));
        property.CopyTo(tree.AsSpan(structure + 20));
        AssertRefused(DeviceTreeError.PropertyAfterSubnode, tree);
    }

    [Fact]
    public void Every_reason_has_its_own_words()
    {
        var words = Enum.GetValues<DeviceTreeError>().Select(reason => Encoding.ASCII.GetString(FlattenedDeviceTree.Describe(reason))).ToArray();
        Assert.All(words, text => Assert.False(text is "" or "unknown reason", text));
        Assert.Equal(words.Length, words.Distinct().Count());
        Assert.Equal("unknown reason", Encoding.ASCII.GetString(FlattenedDeviceTree.Describe((DeviceTreeError)99)));
    }

    [Fact]
    public void Nodes_nested_deeper_than_the_limit_are_refused_and_the_limit_itself_is_accepted()
    {
        Assert.Equal(DeviceTreeError.None, new FlattenedDeviceTree(Nested(FlattenedDeviceTree.MaxDepth)).Check());
        byte[] tooDeep = Nested(FlattenedDeviceTree.MaxDepth + 1);
        byte[] before = (byte[])tooDeep.Clone();
        Assert.Equal(DeviceTreeError.TooDeep, new FlattenedDeviceTree(tooDeep).Check());
        Assert.Equal(DeviceTreeError.TooDeep, ApplyEdits(new FlattenedDeviceTree(tooDeep)));
        Assert.Equal(before, tooDeep);
    }

    /// <summary>A tree of <paramref name="depth"/> nested nodes, the root included, compiled by dtc, with 4 KiB to grow into.</summary>
    private static byte[] Nested(int depth)
    {
        var source = new StringBuilder("/dts-v1/;\n/ {\n");
        for (int level = 1; level < depth; level++)
            source.Append($"n{level} {{\n");
        source.Append("x = <1>;\n");
        for (int level = 0; level < depth; level++)
            source.Append("};\n");
        return Compile(source.ToString());
    }

    /// <summary>dtc's blob for <paramref name="source"/>, padded with 4 KiB to grow into.</summary>
    private static byte[] Compile(string source)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, source);
            var result = Unikernel.Tool.Build.ExternalProcess.Run("dtc", "dtc", ["-q", "-I", "dts", "-O", "dtb", "-p", "4096", "-o", file + ".dtb", file]);
            return File.ReadAllBytes(file + ".dtb");
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".dtb");
        }
    }

    [Fact]
    public void Thousands_of_damaged_trees_are_refused_untouched_or_edited_into_trees_dtc_reads()
    {
        byte[] original = DeviceTreeFiles.OrangePiPc();
        var random = new Random(18);
        int structure = (int)Word(original, StructureOffset);
        var outcomes = new Dictionary<DeviceTreeError, int>();
        int decompiled = 0, contentErrors = 0;
        for (int round = 0; round < 4000; round++)
        {
            byte[] buffer = new byte[original.Length + 2048];
            original.CopyTo(buffer, 0);
            for (int damage = random.Next(1, 4); damage > 0; damage--)
                Damage(buffer, original.Length, structure, random);
            byte[] before = (byte[])buffer.Clone();
            var tree = new FlattenedDeviceTree(buffer);

            DeviceTreeError check = tree.Check();
            DeviceTreeError edits = ApplyEdits(tree);

            outcomes[check] = outcomes.GetValueOrDefault(check) + 1;
            if (check != DeviceTreeError.None)
            {
                Assert.Equal(check, edits);
                Assert.Equal(before, buffer);
                continue;
            }
            // A damaged value can still be a bad one for the edits (#address-cells = 7): refused, the tree still whole.
            Assert.True(edits is DeviceTreeError.None or DeviceTreeError.BadValue or DeviceTreeError.ValueTooLarge, $"round {round}: {edits}");
            Assert.Equal(DeviceTreeError.None, tree.Check());
            if (edits == DeviceTreeError.None)
            {
                Assert.Equal(DeviceTreeError.None, tree.FindNode("/chosen"u8, out int chosen));
                Assert.Equal(DeviceTreeError.None, tree.GetProperty(chosen, "bootargs"u8, out ReadOnlySpan<byte> bootargs));
                Assert.Equal("console=ttyS0,115200 earlycon\0", Encoding.ASCII.GetString(bootargs));
            }
            if (decompiled++ < 400)
            {
                // -f: dtc's checks of the content (a damaged name's characters, a cell count of the
                // wrong length) are not the format's: they report, or an assertion of dtc's
                // (livetree.c: propval_cell) stops it, after it has read the blocks. Its reader
                // (flattree.c) says "FATAL ERROR" for a broken block; it must never.
                var result = DeviceTreeFiles.TryDecompile(tree.Bytes, force: true);
                bool contentOnly = result.Error.Contains("Assertion", StringComparison.Ordinal) && result.Error.Contains("livetree.c", StringComparison.Ordinal);
                Assert.False(result.Error.Contains("FATAL", StringComparison.Ordinal), $"round {round}: dtc could not read a tree we accepted ({edits}): {result.Error}");
                Assert.True(result.ExitCode == 0 || contentOnly, $"round {round}: dtc refused a tree we accepted ({edits}): {result.Error}");
                contentErrors += result.Error.Contains("ERROR", StringComparison.Ordinal) || contentOnly ? 1 : 0;
            }
        }
        output.WriteLine($"dtc read {Math.Min(decompiled, 400)} edited trees, {contentErrors} with errors in their content");
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value}")));
        Assert.True(outcomes.GetValueOrDefault(DeviceTreeError.None) > 400, "too few damaged trees passed the check to test the edits");
        Assert.True(outcomes.Count > 8, "the damage reaches too few of the checks");
    }

    /// <summary>One damage: a random byte anywhere, or a word of the header or the structure block made small, large or random.</summary>
    private static void Damage(byte[] tree, int length, int structure, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                tree[random.Next(length)] = (byte)random.Next(256);
                break;
            case 1:
                SetWord(tree, 4 * random.Next(10), SomeWord(random));
                break;
            default:
                SetWord(tree, structure + 4 * random.Next((length - structure) / 4 - 1), SomeWord(random));
                break;
        }
    }

    private static uint SomeWord(Random random) => random.Next(3) switch
    {
        0 => (uint)random.Next(12),
        1 => (uint)random.Next(30_000),
        _ => (uint)random.NextInt64(1L << 32),
    };
}
