using System.Text.RegularExpressions;

namespace Unikernel.Tool.New;

/// <summary>
/// The name `unikernel new` gives a kernel: its project, assembly and namespace, so it must be a
/// C# identifier (ECMA-334 6.4.3, ASCII letters, digits and underscores here) that is not a keyword.
/// </summary>
public static partial class KernelName
{
    /// <summary>The C# keywords (ECMA-334 6.4.4), which cannot name a namespace without an @.</summary>
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    ];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    /// <summary>Why <paramref name="name"/> cannot name a kernel, or null if it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
            return "the kernel's name is empty";
        if (!Identifier().IsMatch(name))
            return $"'{name}' cannot name a kernel: it becomes the assembly and the C# namespace, so use letters, digits and _ and start with a letter (e.g. MyKernel)";
        if (Keywords.Contains(name))
            return $"'{name}' is a C# keyword and cannot name the kernel's namespace: pick another name";
        return null;
    }
}
