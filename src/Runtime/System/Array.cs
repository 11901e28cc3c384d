using System.Runtime.CompilerServices;

namespace System;

/// <summary>Arrays: a length after the type pointer, then the elements (ilc's layout).</summary>
public abstract class Array
{
#pragma warning disable CS0649 // set by the allocator
    private readonly int _numComponents;
#pragma warning restore CS0649

    public int Length => _numComponents;
}

// ilc needs the generic base of single-dimension arrays to exist.
internal class Array<T> : Array { }
