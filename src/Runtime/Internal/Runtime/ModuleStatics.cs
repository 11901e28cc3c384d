using Internal.Runtime.CompilerHelpers;

namespace Internal.Runtime;

/// <summary>
/// What NativeAOT's runtime does for a module at start-up, cut down to what bare metal needs:
/// give every type with static reference fields its statics object (its "GC static base"),
/// filled with ilc's preinitialised values where it computed them at build time, then run the
/// eager class constructors. ilc describes all of this in the module's ReadyToRun header,
/// which the linker collects in the <c>__modules</c> section. (Layout: dotnet/runtime
/// src/coreclr/nativeaot/Runtime/inc/ModuleHeaders.h; the algorithm follows
/// StartupCodeHelpers.InitializeStatics in NativeAOT's class library.) ilc 10 stores the
/// entries of these sections as 32-bit relative pointers (MethodTable.SupportsRelativePointers)
/// on both ARM targets.
/// </summary>
internal static unsafe class ModuleStatics
{
    private const uint ReadyToRunSignature = 0x00525452; // "RTR"
    private const int GCStaticRegion = 201;
    private const int EagerClassConstructors = 205;
    private const int DehydratedData = 207;
    private const nint Uninitialized = 0x1;
    private const nint HasPreInitializedData = 0x2;
    private const nint FlagMask = Uninitialized | HasPreInitializedData;

    private struct ReadyToRunHeader
    {
#pragma warning disable CS0649 // laid out by ilc
        public uint Signature;
        public ushort MajorVersion;
        public ushort MinorVersion;
        public uint Flags;
        public ushort NumberOfSections;
        public byte EntrySize;
        public byte EntryType;
#pragma warning restore CS0649
    }

    public static void Initialize(nuint modulesStart, nuint modulesEnd)
    {
        for (nuint entry = modulesStart; entry < modulesEnd; entry += (nuint)sizeof(nint))
        {
            var header = *(ReadyToRunHeader**)entry;
            if (header == null)
                continue; // padding from section merging
            if (header->Signature != ReadyToRunSignature)
                Unikernel.Kernel.Panic("bad ReadyToRun header in __modules"u8);
            ForEachSection(header, GCStaticRegion, &AllocateStatics);
            ForEachSection(header, DehydratedData, &RefuseDehydratedData);
            ForEachSection(header, EagerClassConstructors, &RunEagerClassConstructors);
        }
    }

    private static void ForEachSection(ReadyToRunHeader* header, int id, delegate*<byte*, byte*, void> action)
    {
        // Each row: section id, flags, start, end (pointer-sized), EntrySize bytes apart.
        byte* rows = (byte*)(header + 1);
        for (int i = 0; i < header->NumberOfSections; i++)
        {
            byte* row = rows + i * header->EntrySize;
            if (*(int*)row == id)
                action(*(byte**)(row + 8), *(byte**)(row + 8 + sizeof(nint)));
        }
    }

    private static byte* Follow(void* relativePointer) => (byte*)relativePointer + *(int*)relativePointer;

    private static void AllocateStatics(byte* start, byte* end)
    {
        for (byte* entry = start; entry < end; entry += sizeof(int))
        {
            // Each entry leads to a cell that holds the statics type, tagged as not yet made;
            // once made, the cell holds the statics object's address instead.
            nint* cell = (nint*)Follow(entry);
            nint tagged = (nint)Follow(cell);
            if ((tagged & Uninitialized) == 0)
                continue;
            var type = (MethodTable*)(tagged & ~FlagMask);
            byte* statics = (byte*)BumpAllocator.NewObject(type);
            if ((tagged & HasPreInitializedData) != 0)
            {
                // The next word leads to the field values ilc computed: copy them all.
                byte* data = Follow((int*)cell + 1);
                MemoryHelpers.MemCopy(statics + sizeof(nint), data, type->BaseSize - (nuint)(2 * sizeof(nint)));
            }
            *cell = (nint)statics;
        }
    }

    private static void RefuseDehydratedData(byte* start, byte* end) =>
        Unikernel.Kernel.Panic("ilc emitted dehydrated data: build without --dehydrate"u8);

    private static void RunEagerClassConstructors(byte* start, byte* end)
    {
        for (byte* entry = start; entry < end; entry += sizeof(int))
            ((delegate*<void>)Follow(entry))();
    }
}
