namespace System.Runtime.InteropServices;

public enum LayoutKind
{
    Sequential = 0,
    Explicit = 2,
    Auto = 3,
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct)]
public sealed class StructLayoutAttribute : Attribute
{
    public StructLayoutAttribute(LayoutKind layoutKind) { Value = layoutKind; }
    public LayoutKind Value { get; }
    public int Pack;
    public int Size;
}

[AttributeUsage(AttributeTargets.Field)]
public sealed class FieldOffsetAttribute : Attribute
{
    public FieldOffsetAttribute(int offset) { Value = offset; }
    public int Value { get; }
}

[AttributeUsage(AttributeTargets.Parameter)] public sealed class InAttribute : Attribute { }
[AttributeUsage(AttributeTargets.Parameter)] public sealed class OutAttribute : Attribute { }

[AttributeUsage(AttributeTargets.Method)]
public sealed class UnmanagedCallersOnlyAttribute : Attribute
{
    public string? EntryPoint;
}

/// <summary>The C# compiler encodes the <c>unmanaged</c> constraint with this type.</summary>
public enum UnmanagedType
{
}
