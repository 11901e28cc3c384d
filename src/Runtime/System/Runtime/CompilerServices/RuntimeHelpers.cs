namespace System.Runtime.CompilerServices;

public static class RuntimeHelpers
{
    // Layout contract with ilc: a string's characters start after the type pointer and length.
    public static unsafe int OffsetToStringData => sizeof(nint) + sizeof(int);

    // Array and collection initialisers: ilc expands these as intrinsics (the data is
    // preinitialised into the image), so the bodies are never compiled.
    [Intrinsic]
    public static void InitializeArray(Array array, RuntimeFieldHandle fldHandle) => throw null!;

    [Intrinsic]
    public static ReadOnlySpan<T> CreateSpan<T>(RuntimeFieldHandle fldHandle) => throw null!;

    [Intrinsic]
    public static bool IsReferenceOrContainsReferences<T>() => throw null!;

    [Intrinsic]
    public static bool IsKnownConstant(int value) => false;
}

public static class RuntimeFeature
{
    public const string PortablePdb = nameof(PortablePdb);
    public const string DefaultImplementationsOfInterfaces = nameof(DefaultImplementationsOfInterfaces);
    public const string UnmanagedSignatureCallingConvention = nameof(UnmanagedSignatureCallingConvention);
    public const string CovariantReturnsOfClasses = nameof(CovariantReturnsOfClasses);
    public const string VirtualStaticsInInterfaces = nameof(VirtualStaticsInInterfaces);
    public const string NumericIntPtr = nameof(NumericIntPtr);
    public const string ByRefFields = nameof(ByRefFields);
    public const string ByRefLikeGenerics = nameof(ByRefLikeGenerics);
}
