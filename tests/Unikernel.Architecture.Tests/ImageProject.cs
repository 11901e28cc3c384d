using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Unikernel.Architecture.Tests;

/// <summary>
/// A bare-metal image project (one that imports src/Runtime/Metal.props) as MSBuild evaluates it
/// for one board: its Compile, PackageReference and ProjectReference items.
/// </summary>
internal sealed partial record ImageProject(string Path, string Board, string[] Compile, ProjectItem[] References)
{
    public const string DefaultBoard = "orangepi-pc";

    /// <summary>The project's folder, relative to the repository root, ending in '/'.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!.Replace('\\', '/') + "/";

    public override string ToString() => $"{Path} (board {Board})";

    /// <summary>
    /// Every image project for the default board: between boards only the board folder
    /// Metal.props adds differs, and src/Boards is all bare-metal code.
    /// </summary>
    public static ImageProject[] EvaluateAll()
    {
        string[] projects = FindAll();
        var results = new ImageProject[projects.Length];
        // One `dotnet msbuild` each (about a second and a half); a few at a time on a small machine.
        Parallel.For(0, projects.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => results[i] = Evaluate(projects[i], DefaultBoard));
        return results;
    }

    /// <summary>The .csproj files under src/, samples/ and tests/ that import Metal.props.</summary>
    public static string[] FindAll() =>
        new[] { "src", "samples", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryRoot.Combine(folder), "*.csproj", SearchOption.AllDirectories))
            .Select(RepositoryRoot.Relative)
            .Where(path => !SourceFiles.IsBuildOutput(path) && MetalImport().IsMatch(File.ReadAllText(RepositoryRoot.Combine(path))))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static ImageProject Evaluate(string project, string board)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (string argument in new[] { "msbuild", project, "-nologo", "-getItem:Compile,PackageReference,ProjectReference", $"-p:Board={board}" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet msbuild {project} -p:Board={board} failed ({process.ExitCode}):\n{output}\n{error.Result}");

        var items = JsonDocument.Parse(output).RootElement.GetProperty("Items");
        string[] compile = Items(items, "Compile").Select(item => RepositoryRoot.Relative(item.GetProperty("FullPath").GetString()!)).Distinct().ToArray();
        var references = Items(items, "PackageReference").Select(item => ProjectItem.From("PackageReference", item))
            .Concat(Items(items, "ProjectReference").Select(item => ProjectItem.From("ProjectReference", item)))
            .ToArray();
        return new ImageProject(project, board, compile, references);
    }

    private static IEnumerable<JsonElement> Items(JsonElement items, string type) =>
        items.TryGetProperty(type, out var list) ? list.EnumerateArray() : [];

    [GeneratedRegex("""<Import\s+Project="[^"]*Metal\.props"\s*/>""")]
    private static partial Regex MetalImport();
}

/// <summary>A PackageReference or ProjectReference item with the metadata that says how it is used.</summary>
internal sealed record ProjectItem(string Type, string Identity, string? OutputItemType, string? ReferenceOutputAssembly)
{
    public static ProjectItem From(string type, JsonElement item)
    {
        string identity = item.GetProperty("Identity").GetString()!;
        if (type == "ProjectReference")
            identity = RepositoryRoot.Relative(item.GetProperty("FullPath").GetString()!);
        return new ProjectItem(type, identity, Metadata(item, "OutputItemType"), Metadata(item, "ReferenceOutputAssembly"));
    }

    private static string? Metadata(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text ? text : null;

    public override string ToString() => $"{Type} {Identity}";
}
