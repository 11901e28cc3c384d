namespace Unikernel.Tool.Boards;

/// <summary>A board file that cannot be used, with where and how to fix it.</summary>
public sealed class BoardFileException(string path, long line, long column, string message)
    : Exception(line > 0 ? $"{path}:{line}:{column}: {message}" : $"{path}: {message}")
{
    public string FilePath { get; } = path;
    public long Line { get; } = line;
    public long Column { get; } = column;
}
