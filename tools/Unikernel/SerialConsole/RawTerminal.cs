using Unikernel.Tool.Build;

namespace Unikernel.Tool.SerialConsole;

/// <summary>The user's terminal in raw mode while the console runs (keys go to the board as typed), restored on dispose.</summary>
public sealed class RawTerminal : IDisposable
{
    private readonly string _saved;

    private RawTerminal(string saved) => _saved = saved;

    public static RawTerminal? Enter()
    {
        var saved = ExternalProcess.TryRun("stty", ["-F", "/dev/tty", "-g"]);
        if (saved.ExitCode != 0)
            return null;
        ExternalProcess.TryRun("stty", ["-F", "/dev/tty", "raw", "-echo"]);
        return new RawTerminal(saved.Output.Trim());
    }

    public void Dispose() => ExternalProcess.TryRun("stty", ["-F", "/dev/tty", _saved]);
}
