namespace System;

// Needed by the compiler for typeof/ldtoken; nothing at run time uses them.
public struct RuntimeTypeHandle { }
public struct RuntimeMethodHandle { }
public struct RuntimeFieldHandle { }

public abstract class Type { }

// ilc's code generator asks for this type by name; nothing at run time creates one.
internal sealed class RuntimeType : Type { }

public class Exception
{
    public Exception() { }
    public Exception(string? message) { }
}
