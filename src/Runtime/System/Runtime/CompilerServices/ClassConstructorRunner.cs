namespace System.Runtime.CompilerServices;

/// <summary>
/// Runs a static constructor the first time its class is touched, for the classes ilc could
/// not preinitialise at build time. One core, no threads: a flag in the context suffices.
/// </summary>
internal static unsafe class ClassConstructorRunner
{
    private static nint CheckStaticClassConstructionReturnGCStaticBase(ref StaticClassConstructionContext context, nint gcStaticBase)
    {
        CheckStaticClassConstruction(ref context);
        return gcStaticBase;
    }

    private static nint CheckStaticClassConstructionReturnNonGCStaticBase(ref StaticClassConstructionContext context, nint nonGcStaticBase)
    {
        CheckStaticClassConstruction(ref context);
        return nonGcStaticBase;
    }

    private static void CheckStaticClassConstruction(ref StaticClassConstructionContext context)
    {
        nint constructor = context.cctorMethodAddress;
        if (constructor == 0)
            return;
        context.cctorMethodAddress = 0;
        ((delegate*<void>)constructor)();
    }
}

// Layout contract with ilc: the address of the class constructor, cleared once it has run.
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
internal struct StaticClassConstructionContext
{
    public nint cctorMethodAddress;
}
