using System.CommandLine;
using System.Text.RegularExpressions;
using Unikernel.Tool;

namespace Unikernel.Tests.Tool;

/// <summary>Every command's --help ends with examples of it.</summary>
public sealed class HelpExamplesTests
{
    private static IEnumerable<string[]> Paths(Command command, string[] path)
    {
        yield return path;
        foreach (var subcommand in command.Subcommands)
        {
            foreach (var inner in Paths(subcommand, [.. path, subcommand.Name]))
                yield return inner;
        }
    }

    [Fact]
    public void Every_commands_help_shows_an_example_of_that_command()
    {
        var root = UnikernelCommand.Create(Repository.FindRoot());
        var paths = Paths(root, []).ToList();
        Assert.True(paths.Count > 10, $"only {paths.Count} commands");
        foreach (string[] path in paths)
        {
            var output = new StringWriter();
            int exit = root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = output });
            string help = output.ToString().Replace("\r", "");
            string name = path.Length == 0 ? "unikernel" : "unikernel " + string.Join(' ', path);
            Assert.True(exit == 0, $"{name} --help exited with {exit}");
            var examples = Regex.Match(help, @"\nExamples:\n((?:  .+\n)+)");
            Assert.True(examples.Success, $"{name} --help has no Examples: section:\n{help}");
            // Each example runs the command it documents.
            foreach (string line in examples.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Assert.Contains(path.Length == 0 ? "./unikernel " : "./unikernel " + string.Join(' ', path), line);
        }
    }
}
