using System.Xml.Linq;

namespace Unikernel.Architecture.Tests;

/// <summary>
/// No host-only code in an image: what src/Runtime/Metal.props compiles for each image project,
/// as MSBuild evaluates it, and the host builds of the shared projects compiling only their own folder.
/// </summary>
public class ImageSourcesTests
{
    // The shared layers an image is made of (Metal.props, one line each), the boards and the kit.
    private static readonly string[] SharedFolders =
        ["src/Runtime/", "src/Platform/", "src/Drivers/", "src/Net/", "src/Image/", "src/Netboot/", "src/Boards/", "src/Kit/"];

    private static readonly Lazy<ImageProject[]> Images = new(ImageProject.EvaluateAll);

    [Fact]
    public void Images_compile_only_shared_layers_and_their_own_folder()
    {
        var offences = Images.Value
            .SelectMany(image => image.Compile.Select(file => (image, file, why: WhyNotInImage(image, file))))
            .Where(entry => entry.why is not null)
            .Select(entry => $"{entry.image}: {entry.file} ({entry.why})")
            .ToArray();
        Assert.True(Images.Value.All(image => image.Compile.Any(file => file.StartsWith("src/Runtime/", StringComparison.Ordinal))), "an image evaluated without the corelib: is Metal.props still what the projects import?");
        Assert.True(offences.Length == 0, $"host-only or foreign sources in an image:\n  {string.Join("\n  ", offences)}");
    }

    [Fact]
    public void Image_projects_reference_nothing_but_the_register_generator()
    {
        var offences = Images.Value
            .SelectMany(image => image.References.Where(reference => !IsRegisterGenerator(reference)).Select(reference => $"{image}: {reference}"))
            .ToArray();
        Assert.True(offences.Length == 0, $"an image is one assembly from sources; it references nothing but the generator (as an analyzer):\n  {string.Join("\n  ", offences)}");
    }

    [Fact]
    public void Image_projects_are_found()
    {
        string[] images = ImageProject.FindAll();
        Assert.Contains("src/Boot/Boot.csproj", images);
        Assert.Contains("src/Loader/Loader.csproj", images);
        Assert.Contains("samples/Hello/Hello.csproj", images);
        Assert.Contains("samples/Echo/Echo.csproj", images);
        Assert.Contains("samples/MultiCore/MultiCore.csproj", images);
    }

    /// <summary>
    /// The host builds of the shared projects (every src/ project but the images and the corelib)
    /// compile their own folder: a file of another folder would be in two layers at once.
    /// </summary>
    [Fact]
    public void Host_projects_compile_only_their_own_folder()
    {
        string[] images = ImageProject.FindAll();
        var projects = Directory.EnumerateFiles(RepositoryRoot.Combine("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(RepositoryRoot.Relative)
            .Where(path => !SourceFiles.IsBuildOutput(path) && !images.Contains(path) && !path.StartsWith("src/Runtime/", StringComparison.Ordinal))
            .ToArray();
        Assert.Contains("src/Net/Net.csproj", projects);

        var offences = new List<string>();
        foreach (string project in projects)
        {
            string folder = Path.GetDirectoryName(RepositoryRoot.Combine(project))!;
            foreach (var compile in XDocument.Load(RepositoryRoot.Combine(project)).Descendants().Where(element => element.Name.LocalName == "Compile"))
            {
                if (compile.Attribute("Include")?.Value is not { } include)
                    continue;
                foreach (string pattern in include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    string path = Path.GetFullPath(Path.Combine(folder, pattern.Replace("$(RepoRoot)", RepositoryRoot.Path + "/").Replace("$(MSBuildThisFileDirectory)", folder + "/").Replace("$(MSBuildProjectDirectory)", folder)));
                    if (path.Contains("$(") || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        offences.Add($"{project}: <Compile Include=\"{pattern}\">");
                }
            }
        }
        Assert.True(offences.Count == 0, $"a host project compiles a file outside its folder:\n  {string.Join("\n  ", offences)}");
    }

    /// <summary>Why a source file must not be in this image, or null if it may.</summary>
    private static string? WhyNotInImage(ImageProject image, string file)
    {
        if (SourceFiles.IsBuildOutput(file))
            return "build output";
        if (file.StartsWith("src/Platform/Host/", StringComparison.Ordinal))
            return "the platform's host twin";
        if (file.StartsWith(image.Folder, StringComparison.Ordinal))
            return null;
        // The probes under tests/Images share the line format of their reports (ProbeLines.cs).
        if (image.Folder.StartsWith("tests/Images/", StringComparison.Ordinal) && Path.GetDirectoryName(file) == "tests/Images")
            return null;
        if (SharedFolders.Any(folder => file.StartsWith(folder, StringComparison.Ordinal)))
            return null;
        return "neither a shared layer nor the image's own folder";
    }

    private static bool IsRegisterGenerator(ProjectItem reference) =>
        reference is { Type: "ProjectReference", Identity: "generators/Unikernel.Generators/Unikernel.Generators.csproj", OutputItemType: "Analyzer", ReferenceOutputAssembly: "false" };
}
