using System.CommandLine;
using System.Security;
using Spectre.Console;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.New;

/// <summary>
/// `unikernel new NAME`: a kernel project of one's own, from the template in
/// tools/Unikernel/New/Template: NAME.csproj, which finds this kit by the absolute path written
/// into it (so the project may live anywhere), and Program.cs, a kernel that prints a line naming
/// itself, counts a few seconds on the timer and says goodbye.
/// </summary>
public static class NewCommand
{
    /// <summary>The board a new kernel is built for unless --board names another.</summary>
    public const string DefaultBoard = "orangepi-pc";

    public static Command Create(string root)
    {
        var name = new Argument<string>("NAME") { Description = "The kernel's name: its directory, project, assembly and namespace (a C# identifier, e.g. MyKernel)" };
        var board = new Option<string>("--board", "-b") { HelpName = "BOARD", Description = "The board it is built for by default (hardware/boards/NAME.yaml)", DefaultValueFactory = _ => DefaultBoard };
        var output = new Option<string?>("--output", "-o") { HelpName = "DIR", Description = "The directory to create (default: NAME in the current directory); must not exist or be empty" };
        var command = new Command("new", "Make a kernel project: NAME.csproj and Program.cs, a small kernel to build and run")
        {
            name, board, output,
        };
        command.SetAction(result => Run(AnsiConsole.Console, root, result.GetValue(name)!, result.GetValue(board)!, result.GetValue(output)));
        return command;
    }

    /// <summary>Writes the project; 0 on success, 1 with the reason printed.</summary>
    public static int Run(IAnsiConsole console, string root, string name, string boardName, string? output)
    {
        try
        {
            string directory = Path.GetFullPath(output ?? name);
            Create(root, name, boardName, directory);
            string project = Path.GetRelativePath(Environment.CurrentDirectory, directory);
            console.MarkupLine($"[green]created[/] {Markup.Escape(Path.Combine(directory, name + ".csproj"))} and Program.cs (a kernel for {Markup.Escape(boardName)})");
            console.MarkupLine($"run it in QEMU (as root): [bold]{Markup.Escape(Script(root))} run --project {Markup.Escape(project)}[/]");
            return 0;
        }
        catch (Exception error) when (error is BuildFailure or BoardFileException or IOException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }

    /// <summary>Writes the project into <paramref name="directory"/>, which must not exist or be empty.</summary>
    public static void Create(string root, string name, string boardName, string directory)
    {
        if (KernelName.Problem(name) is { } problem)
            throw new BuildFailure(problem);
        BoardCatalog.Load(root, boardName);
        if (File.Exists(directory))
            throw new BuildFailure($"{directory} is a file: give a new or empty directory with --output");
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new BuildFailure($"{directory} exists and is not empty: the project would mix with what is there; give a new or empty directory with --output");

        string template = Path.Combine(root, "tools", "Unikernel", "New", "Template");
        Directory.CreateDirectory(directory);
        // The kit's root with its trailing slash: Metal.props's paths are written $(RepoRoot)src/...
        string kit = SecurityElement.Escape(Path.TrimEndingDirectorySeparator(root) + "/");
        Write(Path.Combine(template, "Kernel.csproj.template"), Path.Combine(directory, name + ".csproj"), name, boardName, kit);
        Write(Path.Combine(template, "Program.cs.template"), Path.Combine(directory, "Program.cs"), name, boardName, kit);
        Write(Path.Combine(template, "gitignore.template"), Path.Combine(directory, ".gitignore"), name, boardName, kit);
    }

    private static void Write(string template, string path, string name, string board, string root) =>
        File.WriteAllText(path, File.ReadAllText(template).Replace("{{NAME}}", name).Replace("{{BOARD}}", board).Replace("{{ROOT}}", root));

    /// <summary>How to call the script from here: ./unikernel in the repository, its path elsewhere.</summary>
    private static string Script(string root)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(root, "unikernel"));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.Combine(root, "unikernel") : "./" + relative;
    }
}
