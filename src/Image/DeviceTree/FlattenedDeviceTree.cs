using System.Buffers.Binary;
using Unikernel.Platform;

namespace Unikernel.Boot.Image.DeviceTree;

/// <summary>
/// A view of a flattened device tree (a DTB: Devicetree Specification v0.4, chapter 5) over a
/// buffer whose length is the capacity the tree may grow into: the 40-byte header, the memory
/// reservation block, the structure block (FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP,
/// FDT_END tokens) and the strings block, all big-endian. Reads it and edits it in place
/// (FlattenedDeviceTree.Editing.cs) without allocating.
/// </summary>
/// <remarks>
/// A node is named by its handle: the offset of its FDT_BEGIN_NODE token in the structure block,
/// valid until the next edit (edits move the bytes after the point they change; a stale handle
/// is refused with <see cref="DeviceTreeError.NotANode"/>, never followed). Every public member
/// checks the whole tree first (<see cref="Check"/>, a walk of a few microseconds for a 23 KB
/// tree), and every read is bounds-checked again while walking, so no tree, however broken, makes
/// a member fault or write: a malformed tree is refused with its reason.
/// </remarks>
public readonly ref partial struct FlattenedDeviceTree
{
    /// <summary>The header's first word (section 5.2).</summary>
    public const uint Magic = 0xd00dfeed;

    /// <summary>The version 17 header: ten 32-bit words.</summary>
    public const int HeaderLength = 40;

    /// <summary>
    /// The deepest nesting accepted, the root node being depth 1. Linux unflattens trees up to 64
    /// levels (FDT_MAX_DEPTH in drivers/of/fdt.c); real trees use fewer than 10.
    /// </summary>
    public const int MaxDepth = 64;

    private const int MagicOffset = 0;
    private const int TotalSizeOffset = 4;
    private const int StructureOffsetOffset = 8;
    private const int StringsOffsetOffset = 12;
    private const int ReservationsOffsetOffset = 16;
    private const int VersionOffset = 20;
    private const int LastCompatibleVersionOffset = 24;
    private const int StringsSizeOffset = 32;
    private const int StructureSizeOffset = 36;

    // Section 5.4.1: the structure block's tokens.
    private const uint BeginNodeToken = 1;
    private const uint EndNodeToken = 2;
    private const uint PropertyToken = 3;
    private const uint NopToken = 4;
    private const uint EndToken = 9;

    /// <summary>A memory reservation entry: a 64-bit address and a 64-bit size (section 5.3).</summary>
    private const int ReservationLength = 16;

    private readonly Span<byte> _buffer;

    /// <summary>A view of the tree at the start of <paramref name="buffer"/>; the bytes after its totalsize are room to grow into. Checks nothing.</summary>
    public FlattenedDeviceTree(Span<byte> buffer) => _buffer = buffer;

    /// <summary>How many bytes the tree may grow to: the buffer's length.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The header's totalsize, or 0 when the tree fails <see cref="Check"/>.</summary>
    public int TotalSize => ReadLayout(out Layout layout) == DeviceTreeError.None ? layout.TotalSize : 0;

    /// <summary>The tree's bytes (totalsize of them), or empty when it fails <see cref="Check"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.Slice(0, TotalSize);

    /// <summary>
    /// Checks the header (magic, version 17, totalsize inside the buffer, each block inside
    /// totalsize, aligned and apart from the others) and walks the structure block to FDT_END:
    /// names NUL-terminated, property values and name offsets inside their blocks, nodes balanced
    /// and at most <see cref="MaxDepth"/> deep, properties before subnodes, one root.
    /// </summary>
    public DeviceTreeError Check() => Validate(-1, out _);

    /// <summary>The root node, <c>/</c>.</summary>
    public DeviceTreeError FindRoot(out int node)
    {
        node = -1;
        DeviceTreeError error = Validate(-1, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        error = Root(in layout, out int at);
        if (error == DeviceTreeError.None)
            node = at - layout.StructureStart;
        return error;
    }

    /// <summary>
    /// The node at <paramref name="path"/> (<c>/chosen</c>, <c>/cpus/cpu@0</c>). A component
    /// without a unit address matches a node that has one, as libfdt does: <c>/memory</c> finds
    /// <c>memory@40000000</c>.
    /// </summary>
    public DeviceTreeError FindNode(ReadOnlySpan<byte> path, out int node)
    {
        node = -1;
        if (path.Length == 0 || path[0] != (byte)'/')
            return DeviceTreeError.BadName;
        DeviceTreeError error = Validate(-1, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        error = Root(in layout, out int at);
        int start = 1;
        while (error == DeviceTreeError.None && start < path.Length)
        {
            int length = path.Slice(start).IndexOf((byte)'/');
            if (length < 0)
                length = path.Length - start;
            if (length > 0)
                error = FindChild(in layout, at, path.Slice(start, length), exact: false, out at);
            start += length + 1;
        }
        if (error == DeviceTreeError.None)
            node = at - layout.StructureStart;
        return error;
    }

    /// <summary>The subnode of <paramref name="parent"/> named <paramref name="name"/> (matched as in <see cref="FindNode"/>).</summary>
    public DeviceTreeError FindChild(int parent, ReadOnlySpan<byte> name, out int node)
    {
        node = -1;
        DeviceTreeError error = Validate(parent, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        error = FindChild(in layout, layout.StructureStart + parent, name, exact: false, out int at);
        if (error == DeviceTreeError.None)
            node = at - layout.StructureStart;
        return error;
    }

    /// <summary>The first subnode of <paramref name="node"/>; <see cref="DeviceTreeError.NotFound"/> if it has none.</summary>
    public DeviceTreeError FirstChild(int node, out int child)
    {
        child = -1;
        DeviceTreeError error = Validate(node, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        error = ReadToken(in layout, layout.StructureStart + node, out Token token);
        if (error != DeviceTreeError.None)
            return error;
        return NodeAt(in layout, token.Next, out child);
    }

    /// <summary>The subnode after <paramref name="node"/> under the same parent; <see cref="DeviceTreeError.NotFound"/> after the last.</summary>
    public DeviceTreeError NextSibling(int node, out int sibling)
    {
        sibling = -1;
        DeviceTreeError error = Validate(node, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        error = SkipNode(in layout, layout.StructureStart + node, out int after);
        if (error != DeviceTreeError.None)
            return error;
        return NodeAt(in layout, after, out sibling);
    }

    /// <summary>The name of <paramref name="node"/> with its unit address (<c>cpu@0</c>); empty for the root or a handle that is no node.</summary>
    public ReadOnlySpan<byte> NodeName(int node)
    {
        if (Validate(node, out Layout layout) != DeviceTreeError.None ||
            ReadToken(in layout, layout.StructureStart + node, out Token token) != DeviceTreeError.None)
            return default;
        return _buffer.Slice(token.DataStart, token.DataLength);
    }

    /// <summary>The value of property <paramref name="name"/> of <paramref name="node"/>.</summary>
    public DeviceTreeError GetProperty(int node, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        value = default;
        DeviceTreeError error = Validate(node, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        error = FindProperty(in layout, layout.StructureStart + node, name, out int property, out _);
        if (error != DeviceTreeError.None)
            return error;
        error = ReadToken(in layout, property, out Token token);
        if (error == DeviceTreeError.None)
            value = _buffer.Slice(token.DataStart, token.DataLength);
        return error;
    }

    /// <summary>A property that holds one 32-bit cell (<c>#address-cells</c>); <see cref="DeviceTreeError.BadValue"/> for another length.</summary>
    public DeviceTreeError GetU32(int node, ReadOnlySpan<byte> name, out uint value)
    {
        value = 0;
        DeviceTreeError error = GetProperty(node, name, out ReadOnlySpan<byte> bytes);
        if (error != DeviceTreeError.None)
            return error;
        if (bytes.Length != 4)
            return DeviceTreeError.BadValue;
        value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return DeviceTreeError.None;
    }

    /// <summary>How many entries the memory reservation block holds, its terminator not counted; 0 for a tree that fails <see cref="Check"/>.</summary>
    public int ReservationCount =>
        Validate(-1, out Layout layout) == DeviceTreeError.None
            ? (layout.ReservationsEnd - layout.ReservationsStart) / ReservationLength - 1
            : 0;

    /// <summary>Entry <paramref name="index"/> of the memory reservation block (a /memreserve/).</summary>
    public DeviceTreeError GetReservation(int index, out ulong address, out ulong size)
    {
        address = 0;
        size = 0;
        DeviceTreeError error = Validate(-1, out Layout layout);
        if (error != DeviceTreeError.None)
            return error;
        if ((uint)index >= (uint)((layout.ReservationsEnd - layout.ReservationsStart) / ReservationLength - 1))
            return DeviceTreeError.NotFound;
        int at = layout.ReservationsStart + index * ReservationLength;
        address = BinaryPrimitives.ReadUInt64BigEndian(_buffer.Slice(at, 8));
        size = BinaryPrimitives.ReadUInt64BigEndian(_buffer.Slice(at + 8, 8));
        return DeviceTreeError.None;
    }

    /// <summary>Words a reason in UTF-8 for the console and the upload's reply.</summary>
    public static ReadOnlySpan<byte> Describe(DeviceTreeError reason) =>
        (uint)reason <= (uint)DeviceTreeError.NoRoom ? Utf8Table.Entry(Reasons, (int)reason) : "unknown reason"u8;

    /// <summary>The words for each <see cref="DeviceTreeError"/>, in enum order (a <see cref="Utf8Table"/>).</summary>
    private static ReadOnlySpan<byte> Reasons =>
        "none\0"u8 +                                                        // None
        "device tree truncated (shorter than its header)\0"u8 +             // Truncated
        "not a device tree (bad magic)\0"u8 +                               // BadMagic
        "unsupported device tree version (17 wanted)\0"u8 +                 // UnsupportedVersion
        "device tree totalsize beyond the buffer\0"u8 +                     // TotalSizeBeyondBuffer
        "device tree block outside totalsize\0"u8 +                         // BlockOutOfRange
        "device tree block misaligned\0"u8 +                                // BlockMisaligned
        "device tree blocks overlap\0"u8 +                                  // BlocksOverlap
        "device tree structure runs past its block\0"u8 +                   // StructureOverrun
        "bad token in the device tree structure\0"u8 +                      // BadToken
        "unterminated node name in the device tree\0"u8 +                   // UnterminatedName
        "property name offset outside the device tree strings\0"u8 +        // StringOffsetOutOfRange
        "device tree nested too deep\0"u8 +                                 // TooDeep
        "unbalanced nodes in the device tree\0"u8 +                         // UnbalancedNodes
        "property after a subnode in the device tree\0"u8 +                 // PropertyAfterSubnode
        "no such node or property in the device tree\0"u8 +                 // NotFound
        "bad device tree path or name\0"u8 +                                // BadName
        "bad device tree property value\0"u8 +                              // BadValue
        "not a node of this device tree\0"u8 +                              // NotANode
        "value too large for the device tree cells\0"u8 +                   // ValueTooLarge
        "no room left in the device tree buffer\0"u8;                       // NoRoom

    /// <summary>Where the header puts the blocks, each checked to lie inside totalsize; absolute offsets in the buffer.</summary>
    private struct Layout
    {
        public int TotalSize;
        public int StructureStart;
        public int StructureEnd;
        public int StringsStart;
        public int StringsEnd;
        public int ReservationsStart;
        /// <summary>After the terminating (0, 0) entry.</summary>
        public int ReservationsEnd;

        /// <summary>Where the last block ends: the bytes from there to totalsize are padding, free to grow into.</summary>
        public readonly int UsedEnd => Math.Max(StructureEnd, Math.Max(StringsEnd, ReservationsEnd));
    }

    /// <summary>One token of the structure block, read and bounds-checked.</summary>
    private struct Token
    {
        public uint Kind;
        /// <summary>The next token's offset (after the name or value and their padding).</summary>
        public int Next;
        /// <summary>A node's name or a property's value.</summary>
        public int DataStart;
        public int DataLength;
        /// <summary>A property's name, as an offset in the strings block.</summary>
        public int NameOffset;
    }

    private uint HeaderWord(int offset) => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(offset, 4));

    private void SetHeaderWord(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(offset, 4), value);

    private static int Align4(int value) => (value + 3) & ~3;

    /// <summary>The header's checks (section 5.2) and the walk of the reservation block to its terminator.</summary>
    private DeviceTreeError ReadLayout(out Layout layout)
    {
        layout = default;
        if (_buffer.Length < HeaderLength)
            return DeviceTreeError.Truncated;
        if (HeaderWord(MagicOffset) != Magic)
            return DeviceTreeError.BadMagic;
        // Version 16 has no size_dt_struct; dtc has written 17 since 2007 (last compatible 16).
        if (HeaderWord(VersionOffset) < 17 || HeaderWord(LastCompatibleVersionOffset) > 17)
            return DeviceTreeError.UnsupportedVersion;
        uint total = HeaderWord(TotalSizeOffset);
        if (total < HeaderLength)
            return DeviceTreeError.Truncated;
        if (total > (uint)_buffer.Length)
            return DeviceTreeError.TotalSizeBeyondBuffer;
        uint structure = HeaderWord(StructureOffsetOffset), structureSize = HeaderWord(StructureSizeOffset);
        uint strings = HeaderWord(StringsOffsetOffset), stringsSize = HeaderWord(StringsSizeOffset);
        uint reservations = HeaderWord(ReservationsOffsetOffset);
        if (!Inside(structure, structureSize, total) || !Inside(strings, stringsSize, total) || !Inside(reservations, ReservationLength, total))
            return DeviceTreeError.BlockOutOfRange;
        // Section 5.1: the reservation block 8-byte aligned, the structure block 4-byte aligned.
        if (reservations % 8 != 0 || structure % 4 != 0)
            return DeviceTreeError.BlockMisaligned;
        int end = (int)reservations;
        while (true)
        {
            if (end > (int)total - ReservationLength)
                return DeviceTreeError.BlockOutOfRange;
            bool terminator = BinaryPrimitives.ReadUInt64BigEndian(_buffer.Slice(end, 8)) == 0 &&
                              BinaryPrimitives.ReadUInt64BigEndian(_buffer.Slice(end + 8, 8)) == 0;
            end += ReservationLength;
            if (terminator)
                break;
        }
        layout.TotalSize = (int)total;
        layout.StructureStart = (int)structure;
        layout.StructureEnd = (int)(structure + structureSize);
        layout.StringsStart = (int)strings;
        layout.StringsEnd = (int)(strings + stringsSize);
        layout.ReservationsStart = (int)reservations;
        layout.ReservationsEnd = end;
        if (Overlap(layout.StructureStart, layout.StructureEnd, layout.StringsStart, layout.StringsEnd) ||
            Overlap(layout.StructureStart, layout.StructureEnd, layout.ReservationsStart, layout.ReservationsEnd) ||
            Overlap(layout.StringsStart, layout.StringsEnd, layout.ReservationsStart, layout.ReservationsEnd))
            return DeviceTreeError.BlocksOverlap;
        return DeviceTreeError.None;
    }

    /// <summary>A block after the header and inside totalsize.</summary>
    private static bool Inside(uint offset, uint size, uint total) => offset >= HeaderLength && (ulong)offset + size <= total;

    private static bool Overlap(int start, int end, int otherStart, int otherEnd) => start < otherEnd && otherStart < end;

    /// <summary>
    /// The header's checks, then the walk of the whole structure block (section 5.4); with
    /// <paramref name="node"/> not -1, also that a node starts at that offset of the structure block.
    /// </summary>
    private DeviceTreeError Validate(int node, out Layout layout)
    {
        DeviceTreeError error = ReadLayout(out layout);
        if (error != DeviceTreeError.None)
            return error;
        int target = -1;
        if (node != -1)
        {
            if ((uint)node >= (uint)(layout.StructureEnd - layout.StructureStart))
                return DeviceTreeError.NotANode;
            target = layout.StructureStart + node;
        }
        bool found = false;
        bool rootSeen = false;
        bool subnodeClosed = false;
        int depth = 0;
        int at = layout.StructureStart;
        while (true)
        {
            error = ReadToken(in layout, at, out Token token);
            if (error != DeviceTreeError.None)
                return error;
            switch (token.Kind)
            {
                case BeginNodeToken:
                    if (depth == 0 && rootSeen)
                        return DeviceTreeError.BadToken;
                    rootSeen = true;
                    found |= at == target;
                    if (++depth > MaxDepth)
                        return DeviceTreeError.TooDeep;
                    subnodeClosed = false;
                    break;
                case EndNodeToken:
                    if (depth == 0)
                        return DeviceTreeError.UnbalancedNodes;
                    depth--;
                    subnodeClosed = true;
                    break;
                case PropertyToken:
                    if (depth == 0)
                        return DeviceTreeError.BadToken;
                    if (subnodeClosed)
                        return DeviceTreeError.PropertyAfterSubnode;
                    break;
                case EndToken:
                    if (depth != 0)
                        return DeviceTreeError.UnbalancedNodes;
                    if (!rootSeen)
                        return DeviceTreeError.BadToken;
                    return node == -1 || found ? DeviceTreeError.None : DeviceTreeError.NotANode;
            }
            at = token.Next;
        }
    }

    /// <summary>Reads the token at <paramref name="at"/> (absolute), checking that it and its data lie inside the structure block.</summary>
    private DeviceTreeError ReadToken(in Layout layout, int at, out Token token)
    {
        token = default;
        if (at < layout.StructureStart || at > layout.StructureEnd - 4)
            return DeviceTreeError.StructureOverrun;
        token.Kind = BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(at, 4));
        int data = at + 4;
        switch (token.Kind)
        {
            case BeginNodeToken:
                int length = _buffer.Slice(data, layout.StructureEnd - data).IndexOf((byte)0);
                if (length < 0)
                    return DeviceTreeError.UnterminatedName;
                token.DataStart = data;
                token.DataLength = length;
                token.Next = Align4(data + length + 1);
                break;
            case PropertyToken:
                if (data > layout.StructureEnd - 8)
                    return DeviceTreeError.StructureOverrun;
                uint valueLength = BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(data, 4));
                uint nameOffset = BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(data + 4, 4));
                data += 8;
                if (valueLength > (uint)(layout.StructureEnd - data))
                    return DeviceTreeError.StructureOverrun;
                if (nameOffset >= (uint)(layout.StringsEnd - layout.StringsStart) ||
                    _buffer.Slice(layout.StringsStart + (int)nameOffset, layout.StringsEnd - layout.StringsStart - (int)nameOffset).IndexOf((byte)0) < 0)
                    return DeviceTreeError.StringOffsetOutOfRange;
                token.DataStart = data;
                token.DataLength = (int)valueLength;
                token.NameOffset = (int)nameOffset;
                token.Next = Align4(data + (int)valueLength);
                break;
            case EndNodeToken:
            case NopToken:
            case EndToken:
                token.Next = data;
                break;
            default:
                return DeviceTreeError.BadToken;
        }
        // The padding after a name or value (to 4 bytes) must be inside the block too.
        return token.Next <= layout.StructureEnd ? DeviceTreeError.None : DeviceTreeError.StructureOverrun;
    }

    /// <summary>A property's name, from the strings block (its NUL was found by <see cref="ReadToken"/>).</summary>
    private ReadOnlySpan<byte> PropertyName(in Layout layout, in Token token)
    {
        ReadOnlySpan<byte> rest = _buffer.Slice(layout.StringsStart + token.NameOffset, layout.StringsEnd - layout.StringsStart - token.NameOffset);
        return rest.Slice(0, rest.IndexOf((byte)0));
    }

    /// <summary>The root: the first FDT_BEGIN_NODE, after any FDT_NOP.</summary>
    private DeviceTreeError Root(in Layout layout, out int at)
    {
        at = layout.StructureStart;
        while (true)
        {
            DeviceTreeError error = ReadToken(in layout, at, out Token token);
            if (error != DeviceTreeError.None)
                return error;
            if (token.Kind == BeginNodeToken)
                return DeviceTreeError.None;
            if (token.Kind != NopToken)
                return DeviceTreeError.BadToken;
            at = token.Next;
        }
    }

    /// <summary>The node at or after <paramref name="at"/> (past properties and FDT_NOP), in absolute offsets; NotFound at the parent's FDT_END_NODE.</summary>
    private DeviceTreeError NodeAt(in Layout layout, int at, out int node)
    {
        node = -1;
        while (true)
        {
            DeviceTreeError error = ReadToken(in layout, at, out Token token);
            if (error != DeviceTreeError.None)
                return error;
            if (token.Kind == BeginNodeToken)
            {
                node = at - layout.StructureStart;
                return DeviceTreeError.None;
            }
            if (token.Kind != NopToken && token.Kind != PropertyToken)
                return DeviceTreeError.NotFound;
            at = token.Next;
        }
    }

    /// <summary>The offset after the FDT_END_NODE that closes the node at <paramref name="node"/> (absolute).</summary>
    private DeviceTreeError SkipNode(in Layout layout, int node, out int after)
    {
        after = node;
        int depth = 0;
        while (true)
        {
            DeviceTreeError error = ReadToken(in layout, after, out Token token);
            if (error != DeviceTreeError.None)
                return error;
            after = token.Next;
            if (token.Kind == BeginNodeToken)
                depth++;
            else if (token.Kind == EndNodeToken && --depth == 0)
                return DeviceTreeError.None;
            else if (token.Kind == EndToken)
                return DeviceTreeError.UnbalancedNodes;
        }
    }

    /// <summary>The direct subnode of <paramref name="parent"/> (absolute) whose name matches, absolute too.</summary>
    private DeviceTreeError FindChild(in Layout layout, int parent, ReadOnlySpan<byte> name, bool exact, out int child)
    {
        child = -1;
        DeviceTreeError error = ReadToken(in layout, parent, out Token token);
        if (error != DeviceTreeError.None)
            return error;
        int at = token.Next;
        int depth = 0;
        while (true)
        {
            error = ReadToken(in layout, at, out token);
            if (error != DeviceTreeError.None)
                return error;
            if (token.Kind == BeginNodeToken)
            {
                if (depth == 0 && NameMatches(_buffer.Slice(token.DataStart, token.DataLength), name, exact))
                {
                    child = at;
                    return DeviceTreeError.None;
                }
                depth++;
            }
            else if (token.Kind == EndNodeToken)
            {
                if (depth-- == 0)
                    return DeviceTreeError.NotFound;
            }
            else if (token.Kind == EndToken)
                return DeviceTreeError.NotFound;
            at = token.Next;
        }
    }

    /// <summary>Section 2.2.1: <c>name@unit-address</c>; a name asked for without <c>@</c> also matches a node with a unit address.</summary>
    private static bool NameMatches(ReadOnlySpan<byte> nodeName, ReadOnlySpan<byte> name, bool exact)
    {
        if (nodeName.SequenceEqual(name))
            return true;
        return !exact && name.IndexOf((byte)'@') < 0 && nodeName.Length > name.Length &&
               nodeName[name.Length] == (byte)'@' && nodeName.Slice(0, name.Length).SequenceEqual(name);
    }

    /// <summary>
    /// The FDT_PROP token of <paramref name="node"/> named <paramref name="name"/> (absolute), or
    /// NotFound and where a new property goes: after the node's last property, before its first subnode.
    /// </summary>
    private DeviceTreeError FindProperty(in Layout layout, int node, ReadOnlySpan<byte> name, out int property, out int insertAt)
    {
        property = -1;
        insertAt = -1;
        DeviceTreeError error = ReadToken(in layout, node, out Token token);
        if (error != DeviceTreeError.None)
            return error;
        int at = token.Next;
        while (true)
        {
            error = ReadToken(in layout, at, out token);
            if (error != DeviceTreeError.None)
                return error;
            if (token.Kind == PropertyToken)
            {
                if (PropertyName(in layout, in token).SequenceEqual(name))
                {
                    property = at;
                    return DeviceTreeError.None;
                }
            }
            else if (token.Kind != NopToken)
            {
                insertAt = at;
                return DeviceTreeError.NotFound;
            }
            at = token.Next;
        }
    }
}
