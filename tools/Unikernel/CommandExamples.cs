using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Unikernel.Tool;

/// <summary>
/// An "Examples:" section at the end of each command's --help: System.CommandLine's help,
/// then the command's example lines.
/// </summary>
public sealed class CommandExamples(HelpAction help, IReadOnlyDictionary<Command, string[]> examples) : SynchronousCommandLineAction
{
    /// <summary>Puts the examples into the help of <paramref name="root"/>'s help option, which every subcommand shares.</summary>
    public static void Add(RootCommand root, IReadOnlyDictionary<Command, string[]> examples)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new CommandExamples((HelpAction)option.Action!, examples);
    }

    public override int Invoke(ParseResult parseResult)
    {
        int exit = help.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out string[]? lines) && lines.Length > 0)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (string line in lines)
                output.WriteLine("  " + line);
            output.WriteLine();
        }
        return exit;
    }
}
