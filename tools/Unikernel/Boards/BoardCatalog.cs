namespace Unikernel.Tool.Boards;

/// <summary>The boards in hardware/boards/, by name.</summary>
public static class BoardCatalog
{
    public static string Directory(string repositoryRoot) => Path.Combine(repositoryRoot, "hardware", "boards");

    public static IReadOnlyList<string> Names(string repositoryRoot) =>
        System.IO.Directory.GetFiles(Directory(repositoryRoot), "*.yaml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static BoardFile Load(string repositoryRoot, string name)
    {
        string path = Path.Combine(Directory(repositoryRoot), name + ".yaml");
        if (!File.Exists(path))
            throw new BoardFileException(path, 0, 0, $"no board named '{name}'; known boards: {string.Join(", ", Names(repositoryRoot))}");
        return BoardFileReader.Load(path);
    }
}
