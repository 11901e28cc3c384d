namespace System;

/// <summary>The root of every reference type. Its first field is the type pointer ilc lays out.</summary>
public class Object
{
#pragma warning disable CS0169, CS0649 // written by the allocator, read by the type system
    internal unsafe Internal.Runtime.MethodTable* m_pMethodTable;
#pragma warning restore CS0169, CS0649

    public Object() { }

    public virtual bool Equals(object? obj) => ReferenceEquals(this, obj);

    public virtual int GetHashCode() => 0;

    public virtual string? ToString() => null;

    public static bool ReferenceEquals(object? a, object? b) => a == b;
}
