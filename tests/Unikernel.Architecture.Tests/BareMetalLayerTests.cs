using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Unikernel.Architecture.Tests;

/// <summary>
/// The bottom layers of an image, compiled here alone with no reference at all, as
/// src/Runtime/Metal.props compiles an image (NoStdLib, unsafe). The corelib (src/Runtime) is no
/// host assembly, and the platform's bare-metal half (src/Platform without Host/) is left out of
/// its host build, so the host-assembly rules cannot see them; if they build alone, they provably
/// use nothing of the drivers, the network stack, the image format or the boards.
/// </summary>
public class BareMetalLayerTests
{
    // The console hook every image must implement (src/Boards/Shared/BoardConsole.cs does, for
    // the board's console): here one that writes nowhere.
    private const string ConsoleHook = """
        namespace Unikernel;
        public static partial class Kernel
        {
            internal static partial void WriteConsole(ReadOnlySpan<byte> bytes) { }
        }
        """;

    [Fact]
    public void Corelib_compiles_alone() =>
        AssertCompilesAlone("src/Runtime", SourceFiles.Under(RepositoryRoot.Combine("src/Runtime")), "global using System;");

    [Fact]
    public void Platform_bare_metal_half_compiles_on_the_corelib_alone() =>
        AssertCompilesAlone(
            "src/Platform (bare-metal half)",
            SourceFiles.Under(RepositoryRoot.Combine("src/Runtime"))
                .Concat(SourceFiles.Under(RepositoryRoot.Combine("src/Platform")).Where(file => !RepositoryRoot.Relative(file).StartsWith("src/Platform/Host/", StringComparison.Ordinal))),
            "global using System; global using Unikernel.Platform;");

    /// <param name="globalUsings">What src/Runtime/Metal.props gives every file of an image.</param>
    private static void AssertCompilesAlone(string layer, IEnumerable<string> files, string globalUsings)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = files
            .Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parseOptions, RepositoryRoot.Relative(file)))
            .Append(CSharpSyntaxTree.ParseText(globalUsings + "\n" + ConsoleHook, parseOptions, "(what the image adds)"))
            .ToArray();
        Assert.True(trees.Length > 20, $"only {trees.Length} files found for {layer}");

        var compilation = CSharpCompilation.Create(
            "BareMetalLayer",
            trees,
            references: [],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .Select(diagnostic => diagnostic.ToString())
            .ToArray();
        Assert.True(errors.Length == 0, $"{layer} does not compile alone ({errors.Length} errors):\n  {string.Join("\n  ", errors.Take(30))}");
    }
}
