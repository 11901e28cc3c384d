using Spectre.Console;

namespace Unikernel.Tests.Image;

/// <summary>A Spectre console that writes plain text, no colours, no progress bars, one line per message, into a writer the test reads.</summary>
public static class PlainConsole
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 4096;
        return console;
    }
}
