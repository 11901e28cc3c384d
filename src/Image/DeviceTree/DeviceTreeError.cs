namespace Unikernel.Boot.Image.DeviceTree;

/// <summary>
/// Why a flattened device tree was refused or an edit failed; <see cref="FlattenedDeviceTree.Describe"/>
/// words each. The format is the Devicetree Specification v0.4, chapter 5.
/// </summary>
public enum DeviceTreeError
{
    None,
    /// <summary>Fewer bytes than the 40-byte header, or a totalsize smaller than it.</summary>
    Truncated,
    /// <summary>The first word is not 0xd00dfeed.</summary>
    BadMagic,
    /// <summary>A version below 17 (no size_dt_struct) or a last compatible version above 17.</summary>
    UnsupportedVersion,
    /// <summary>The header's totalsize is more than the buffer holds.</summary>
    TotalSizeBeyondBuffer,
    /// <summary>A block (memory reservations, structure, strings) starts inside the header or ends past totalsize.</summary>
    BlockOutOfRange,
    /// <summary>The memory reservation block is not 8-byte aligned or the structure block not 4-byte aligned.</summary>
    BlockMisaligned,
    /// <summary>Two blocks share bytes.</summary>
    BlocksOverlap,
    /// <summary>The structure block ends before its FDT_END token, or a token's data runs past it.</summary>
    StructureOverrun,
    /// <summary>A word in the structure block that is no token, or a token where it may not be (no root node, data after the root).</summary>
    BadToken,
    /// <summary>A node name without its NUL inside the structure block.</summary>
    UnterminatedName,
    /// <summary>A property name offset outside the strings block, or a name without its NUL inside it.</summary>
    StringOffsetOutOfRange,
    /// <summary>Nodes nested deeper than <see cref="FlattenedDeviceTree.MaxDepth"/>.</summary>
    TooDeep,
    /// <summary>FDT_END_NODE without its FDT_BEGIN_NODE, or FDT_END inside a node.</summary>
    UnbalancedNodes,
    /// <summary>A property after a subnode of the same node (section 5.4.2 puts properties first).</summary>
    PropertyAfterSubnode,
    /// <summary>No node at that path, or no such property.</summary>
    NotFound,
    /// <summary>A path that does not start with '/', or an empty or malformed node or property name.</summary>
    BadName,
    /// <summary>A value the format cannot hold: a string with a NUL inside, a string list not ending in NUL, a reservation of size 0.</summary>
    BadValue,
    /// <summary>The handle given is not a node of this tree (stale after an edit, or never one).</summary>
    NotANode,
    /// <summary>A value that does not fit the cells the tree gives it (#address-cells, #size-cells).</summary>
    ValueTooLarge,
    /// <summary>The edit needs more bytes than the buffer's capacity; the tree is left as it was.</summary>
    NoRoom,
}
