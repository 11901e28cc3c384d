using Spectre.Console;

namespace Unikernel.Tool;

/// <summary>
/// The console every command writes to (Spectre.Console's <see cref="AnsiConsole.Console"/>):
/// no escape codes at all when the output is not a terminal or NO_COLOR is set
/// (https://no-color.org), so pipes, logs and grep see plain text.
/// </summary>
public static class ToolConsole
{
    /// <summary>Whether plain text is due: output redirected, or NO_COLOR present and not empty (as no-color.org defines it).</summary>
    public static bool IsPlain(bool outputRedirected, string? noColor) => outputRedirected || !string.IsNullOrEmpty(noColor);

    public static IAnsiConsole Create(TextWriter output, bool outputRedirected, string? noColor)
    {
        bool plain = IsPlain(outputRedirected, noColor);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // Without ANSI, Spectre also draws no spinner or progress bar: they move the cursor.
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(output),
        });
        // Piped output (tests, CI logs, grep) is not wrapped at 80 columns: a message stays on one line.
        if (outputRedirected)
            console.Profile.Width = 4096;
        return console;
    }
}
