using System.Buffers.Binary;

namespace Unikernel.Boot.Image.DeviceTree;

/// <summary>
/// The edits: properties set (replaced, grown or shrunk in place), nodes added, reservations
/// added. Bytes move with Span.CopyTo inside the buffer; a new property name goes at the end of
/// the strings block unless the block already holds it. Each edit checks the whole tree first,
/// works out the room it needs and fails with <see cref="DeviceTreeError.NoRoom"/> before writing
/// anything, so a failed edit leaves the tree as it was.
/// </summary>
public readonly ref partial struct FlattenedDeviceTree
{
    /// <summary>The three blocks the header places (section 5.1).</summary>
    private enum Block
    {
        Reservations,
        Structure,
        Strings,
    }

    /// <summary>
    /// Makes property <paramref name="name"/> of <paramref name="node"/> <paramref name="length"/>
    /// bytes long, adding it after the node's other properties if absent, and gives its value,
    /// zeroed, to fill in. Handles of nodes after the property change.
    /// </summary>
    public DeviceTreeError ReserveProperty(int node, ReadOnlySpan<byte> name, int length, out Span<byte> value)
    {
        value = default;
        DeviceTreeError error = Validate(node, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        if (name.Length == 0 || name.IndexOf((byte)0) >= 0)
            return DeviceTreeError.BadName;
        if (length < 0)
            return DeviceTreeError.BadValue;
        if (length > Capacity) // and Align4(length) cannot overflow
            return DeviceTreeError.NoRoom;
        int nameOffset = FindString(in layout, name);
        error = FindProperty(in layout, layout.StructureStart + node, name, out int property, out _);
        if (error != DeviceTreeError.None && error != DeviceTreeError.NotFound)
            return error;
        int oldLength = 0;
        if (property >= 0)
        {
            ReadToken(in layout, property, out Token token);
            oldLength = token.DataLength;
        }
        int nameGrowth = nameOffset < 0 ? name.Length + 1 : 0;
        int propertyGrowth = property >= 0 ? Align4(length) - Align4(oldLength) : 12 + Align4(length);
        if ((long)layout.UsedEnd + Growth(in layout, Block.Strings, nameGrowth) + Growth(in layout, Block.Structure, propertyGrowth) > Capacity)
            return DeviceTreeError.NoRoom;

        if (nameOffset < 0)
        {
            nameOffset = layout.StringsEnd - layout.StringsStart;
            Splice(Block.Strings, layout.StringsEnd, 0, name.Length + 1);
            ReadLayout(out layout); // the structure block may have moved
            name.CopyTo(_buffer.Slice(layout.StringsStart + nameOffset));
        }
        int at = layout.StructureStart + node;
        FindProperty(in layout, at, name, out property, out int insertAt);
        if (property >= 0)
        {
            Splice(Block.Structure, property + 12, Align4(oldLength), Align4(length));
        }
        else
        {
            property = insertAt;
            Splice(Block.Structure, property, 0, 12 + Align4(length));
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(property, 4), PropertyToken);
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(property + 8, 4), (uint)nameOffset);
        }
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(property + 4, 4), (uint)length);
        value = _buffer.Slice(property + 12, length);
        return DeviceTreeError.None;
    }

    /// <summary>Sets a property to <paramref name="value"/> (which must not lie inside this tree's buffer).</summary>
    public DeviceTreeError SetProperty(int node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        DeviceTreeError error = ReserveProperty(node, name, value.Length, out Span<byte> destination);
        if (error == DeviceTreeError.None)
            value.CopyTo(destination);
        return error;
    }

    /// <summary>Sets a property to one 32-bit cell.</summary>
    public DeviceTreeError SetU32(int node, ReadOnlySpan<byte> name, uint value)
    {
        DeviceTreeError error = ReserveProperty(node, name, 4, out Span<byte> destination);
        if (error == DeviceTreeError.None)
            BinaryPrimitives.WriteUInt32BigEndian(destination, value);
        return error;
    }

    /// <summary>Sets a property to two cells holding a 64-bit value.</summary>
    public DeviceTreeError SetU64(int node, ReadOnlySpan<byte> name, ulong value)
    {
        DeviceTreeError error = ReserveProperty(node, name, 8, out Span<byte> destination);
        if (error == DeviceTreeError.None)
            BinaryPrimitives.WriteUInt64BigEndian(destination, value);
        return error;
    }

    /// <summary>
    /// Sets a property to two numbers of <paramref name="firstCells"/> and
    /// <paramref name="secondCells"/> 32-bit cells (0 to 4 each; a <c>reg</c> entry is an address
    /// in #address-cells and a size in #size-cells); <see cref="DeviceTreeError.ValueTooLarge"/>
    /// when a number does not fit its cells.
    /// </summary>
    public DeviceTreeError SetCellPair(int node, ReadOnlySpan<byte> name, ulong first, int firstCells, ulong second, int secondCells)
    {
        if (!FitsCells(first, firstCells) || !FitsCells(second, secondCells))
            return DeviceTreeError.ValueTooLarge;
        DeviceTreeError error = ReserveProperty(node, name, 4 * (firstCells + secondCells), out Span<byte> destination);
        if (error != DeviceTreeError.None)
            return error;
        WriteCells(destination, first, firstCells);
        WriteCells(destination.Slice(4 * firstCells), second, secondCells);
        return DeviceTreeError.None;
    }

    /// <summary>Sets a property to a string (<paramref name="text"/>, without NUL; the NUL is added).</summary>
    public DeviceTreeError SetString(int node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text)
    {
        if (text.IndexOf((byte)0) >= 0)
            return DeviceTreeError.BadValue;
        DeviceTreeError error = ReserveProperty(node, name, text.Length + 1, out Span<byte> destination);
        if (error == DeviceTreeError.None)
            text.CopyTo(destination);
        return error;
    }

    /// <summary>Sets a property to a string list: <paramref name="strings"/> holds each string with its NUL (<c>"a\0b\0"u8</c>).</summary>
    public DeviceTreeError SetStringList(int node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> strings)
    {
        if (strings.Length == 0 || strings[strings.Length - 1] != 0)
            return DeviceTreeError.BadValue;
        return SetProperty(node, name, strings);
    }

    /// <summary>
    /// The subnode <paramref name="name"/> of <paramref name="parent"/> (its exact name, unit
    /// address included), added after the parent's other subnodes if absent.
    /// </summary>
    public DeviceTreeError AddNode(int parent, ReadOnlySpan<byte> name, out int node)
    {
        node = -1;
        DeviceTreeError error = Validate(parent, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        if (name.Length == 0 || name.IndexOf((byte)0) >= 0 || name.IndexOf((byte)'/') >= 0)
            return DeviceTreeError.BadName;
        int at = layout.StructureStart + parent;
        error = FindChild(in layout, at, name, exact: true, out int child);
        if (error == DeviceTreeError.None)
        {
            node = child - layout.StructureStart;
            return error;
        }
        if (error != DeviceTreeError.NotFound)
            return error;
        error = SkipNode(in layout, at, out int after);
        if (error != DeviceTreeError.None)
            return error;
        int end = after - 4; // the parent's FDT_END_NODE: the new node goes before it
        int length = 4 + Align4(name.Length + 1) + 4;
        if ((long)layout.UsedEnd + Growth(in layout, Block.Structure, length) > Capacity)
            return DeviceTreeError.NoRoom;
        Splice(Block.Structure, end, 0, length);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(end, 4), BeginNodeToken);
        name.CopyTo(_buffer.Slice(end + 4));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(end + length - 4, 4), EndNodeToken);
        node = end - layout.StructureStart;
        return DeviceTreeError.None;
    }

    /// <summary>Adds a memory reservation entry (a /memreserve/: section 5.3) that the kernel will not use; a size of 0 would end the list and is refused.</summary>
    public DeviceTreeError AddReservation(ulong address, ulong size)
    {
        DeviceTreeError error = Validate(-1, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        if (size == 0)
            return DeviceTreeError.BadValue;
        if ((long)layout.UsedEnd + Growth(in layout, Block.Reservations, ReservationLength) > Capacity)
            return DeviceTreeError.NoRoom;
        int at = layout.ReservationsEnd - ReservationLength; // before the terminator
        Splice(Block.Reservations, at, 0, ReservationLength);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.Slice(at, 8), address);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.Slice(at + 8, 8), size);
        return DeviceTreeError.None;
    }

    private static bool FitsCells(ulong value, int cells) =>
        cells >= 2 ? cells <= 4 : cells == 1 ? value <= uint.MaxValue : cells == 0 && value == 0;

    private static void WriteCells(Span<byte> destination, ulong value, int cells)
    {
        for (int cell = cells - 1; cell >= 0; cell--, value >>= 32)
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4 * cell, 4), (uint)value);
    }

    /// <summary>Where <paramref name="name"/> and its NUL already are in the strings block (libfdt reuses a suffix too), or -1.</summary>
    private int FindString(in Layout layout, ReadOnlySpan<byte> name)
    {
        ReadOnlySpan<byte> strings = _buffer.Slice(layout.StringsStart, layout.StringsEnd - layout.StringsStart);
        for (int at = 0; at + name.Length < strings.Length; at++)
        {
            if (strings[at + name.Length] == 0 && strings.Slice(at, name.Length).SequenceEqual(name))
                return at;
        }
        return -1;
    }

    /// <summary>Is some other block placed after the end of <paramref name="block"/>? Then growing it moves them.</summary>
    private static bool HasBlocksAfter(in Layout layout, Block block, int end) =>
        (block != Block.Structure && layout.StructureStart >= end) ||
        (block != Block.Strings && layout.StringsStart >= end) ||
        (block != Block.Reservations && layout.ReservationsStart >= end);

    private static int BlockEnd(in Layout layout, Block block) =>
        block == Block.Structure ? layout.StructureEnd : block == Block.Strings ? layout.StringsEnd : layout.ReservationsEnd;

    /// <summary>
    /// How far the blocks after <paramref name="block"/> move when it changes by
    /// <paramref name="delta"/> bytes: in multiples of 8, keeping their alignment (section 5.1),
    /// the difference left as zero padding between the blocks.
    /// </summary>
    private static int Growth(in Layout layout, Block block, int delta)
    {
        if (!HasBlocksAfter(in layout, block, BlockEnd(in layout, block)))
            return delta;
        return delta >= 0 ? (delta + 7) & ~7 : -(-delta & ~7);
    }

    /// <summary>
    /// Replaces <paramref name="remove"/> bytes at <paramref name="at"/> (absolute, inside
    /// <paramref name="block"/>) by <paramref name="insert"/> zero bytes, moving the rest of the
    /// block and the blocks after it, and updates the header's offsets, sizes and totalsize.
    /// The caller has checked the tree and the room (<see cref="Growth"/>).
    /// </summary>
    private void Splice(Block block, int at, int remove, int insert)
    {
        ReadLayout(out Layout layout);
        int end = BlockEnd(in layout, block);
        int usedEnd = layout.UsedEnd;
        bool blocksAfter = HasBlocksAfter(in layout, block, end);
        int delta = insert - remove;
        int shift = Growth(in layout, block, delta);
        if (delta >= 0)
        {
            if (blocksAfter)
                _buffer.Slice(end, usedEnd - end).CopyTo(_buffer.Slice(end + shift));
            _buffer.Slice(at + remove, end - at - remove).CopyTo(_buffer.Slice(at + insert));
            _buffer.Slice(end + delta, shift - delta).Clear();
        }
        else
        {
            _buffer.Slice(at + remove, end - at - remove).CopyTo(_buffer.Slice(at + insert));
            if (blocksAfter)
                _buffer.Slice(end, usedEnd - end).CopyTo(_buffer.Slice(end + shift));
            _buffer.Slice(end + delta, shift - delta).Clear();
            _buffer.Slice(usedEnd + shift, -shift).Clear();
        }
        _buffer.Slice(at, insert).Clear();

        if (blocksAfter)
        {
            if (block != Block.Structure && layout.StructureStart >= end)
                SetHeaderWord(StructureOffsetOffset, (uint)(layout.StructureStart + shift));
            if (block != Block.Strings && layout.StringsStart >= end)
                SetHeaderWord(StringsOffsetOffset, (uint)(layout.StringsStart + shift));
            if (block != Block.Reservations && layout.ReservationsStart >= end)
                SetHeaderWord(ReservationsOffsetOffset, (uint)(layout.ReservationsStart + shift));
        }
        if (block == Block.Structure)
            SetHeaderWord(StructureSizeOffset, (uint)(layout.StructureEnd - layout.StructureStart + delta));
        else if (block == Block.Strings)
            SetHeaderWord(StringsSizeOffset, (uint)(layout.StringsEnd - layout.StringsStart + delta));
        // Padding after the last block (QEMU's trees carry some) is room: grow into it, and keep
        // totalsize when shrinking unless the tree had none.
        int newUsedEnd = usedEnd + shift;
        int total = shift >= 0 ? Math.Max(layout.TotalSize, newUsedEnd) : layout.TotalSize == usedEnd ? newUsedEnd : layout.TotalSize;
        SetHeaderWord(TotalSizeOffset, (uint)total);
    }
}
