using Unikernel.Registers;

namespace Unikernel.Tool.Boards;

/// <summary>
/// A board file that cannot be used: each mistake where it is and how to fix it, as the compiler
/// reports it when it builds an image (docs/registers.md, "Diagnostics").
/// </summary>
public sealed class BoardFileException : Exception
{
    public BoardFileException(IReadOnlyList<RegisterDiagnostic> diagnostics)
        : base(string.Join("\n", diagnostics)) => Diagnostics = diagnostics;

    /// <summary>A problem with the file as a whole (there is none, or it cannot be read).</summary>
    public BoardFileException(string path, string message)
        : base($"{path}: {message}") => Diagnostics = [];

    public IReadOnlyList<RegisterDiagnostic> Diagnostics { get; }
}
