using Unikernel.Registers;
using Unikernel.Registers.Boards;

namespace Unikernel.Tool.Boards;

/// <summary>The boards in hardware/boards/, by name, read as the register generator reads them.</summary>
public static class BoardCatalog
{
    public static string Directory(string repositoryRoot) => Path.Combine(repositoryRoot, "hardware", "boards");

    public static IReadOnlyList<string> Names(string repositoryRoot) =>
        System.IO.Directory.GetFiles(Directory(repositoryRoot), "*.yaml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The board, checked against its SoC (hardware/SOC.yaml) when there is one.</summary>
    public static BoardFile Load(string repositoryRoot, string name)
    {
        string path = Path.Combine(Directory(repositoryRoot), name + ".yaml");
        if (!File.Exists(path))
            throw new BoardFileException(path, $"no board named '{name}'; known boards: {string.Join(", ", Names(repositoryRoot))}");
        var board = Parse(path, ReadText(path));
        string socPath = Path.Combine(repositoryRoot, "hardware", board.Soc + ".yaml");
        if (File.Exists(socPath) && YamlMapReader.Read(socPath, ReadText(socPath)).Soc is { } soc)
            ThrowIfAny(BoardFileReader.CheckAgainstSoc(board, soc));
        return board;
    }

    /// <summary>A board file's text, read; every mistake in it makes the <see cref="BoardFileException"/>.</summary>
    public static BoardFile Parse(string path, string text)
    {
        var (board, diagnostics) = BoardFileReader.Read(path, text);
        ThrowIfAny(diagnostics);
        return board!;
    }

    private static void ThrowIfAny(IReadOnlyList<RegisterDiagnostic> diagnostics)
    {
        if (diagnostics.Count > 0)
            throw new BoardFileException(diagnostics);
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException error)
        {
            throw new BoardFileException(path, $"cannot read the file: {error.Message}");
        }
    }
}
