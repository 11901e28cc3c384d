namespace Unikernel.Architecture.Tests;

/// <summary>The repository's root: the directory above the test binaries holding Unikernel.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>A path relative to the root with forward slashes, as failure messages show it.</summary>
    public static string Relative(string fullPath) => System.IO.Path.GetRelativePath(Path, fullPath).Replace('\\', '/');

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Unikernel.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no Unikernel.sln above {AppContext.BaseDirectory}");
    }
}
