namespace Internal.Runtime;

/// <summary>
/// The head of ilc's type descriptor. The allocator reads the base size (objects) and the
/// component size (arrays) from it; nothing else is used on bare metal.
/// </summary>
internal struct MethodTable
{
#pragma warning disable CS0649 // laid out by ilc
    internal ushort ComponentSize;
    internal ushort Flags;
    internal uint BaseSize;
#pragma warning restore CS0649
}
