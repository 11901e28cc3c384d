namespace Unikernel.Architecture.Tests;

/// <summary>The C# sources under a folder, without build output (bin/, obj/).</summary>
internal static class SourceFiles
{
    public static IEnumerable<string> Under(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(RepositoryRoot.Relative(file)))
            .Order(StringComparer.Ordinal);

    public static bool IsBuildOutput(string relativePath) =>
        relativePath.Split('/').Any(part => part is "bin" or "obj");
}
