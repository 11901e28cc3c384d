namespace System.Runtime;

/// <summary>ilc exports a method marked with this under the given symbol name (C calling convention).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RuntimeExportAttribute : Attribute
{
    public RuntimeExportAttribute(string entry) { }
}

/// <summary>ilc compiles a call to an extern method marked with this into a direct call of the symbol.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string lib) { }
    public RuntimeImportAttribute(string lib, string entry) { }
}
