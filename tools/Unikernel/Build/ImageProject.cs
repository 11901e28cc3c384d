using System.Xml;
using System.Xml.Linq;

namespace Unikernel.Tool.Build;

/// <summary>
/// An image project as `build --project` and `run --project` name it: a directory holding one
/// .csproj, or the .csproj itself. A kernel project says so with <c>&lt;ImageKind&gt;kernel&lt;/ImageKind&gt;</c>
/// (`unikernel new` writes it) and may name its <c>&lt;Board&gt;</c>; the tool reads both from the file.
/// </summary>
/// <param name="Path">The .csproj's full path.</param>
/// <param name="IsKernel">Linked where the board's kernel layout says and wrapped in a kernel image, for the bootloader to load.</param>
/// <param name="Board">The board the project names, if it does.</param>
public sealed record ImageProject(string Path, bool IsKernel, string? Board)
{
    /// <summary>The project's name (its file's), lower case: the directory of its build, build/&lt;board&gt;/&lt;name&gt;.</summary>
    public string OutputName => System.IO.Path.GetFileNameWithoutExtension(Path).ToLowerInvariant();

    /// <summary>The directory of <see cref="Path"/>.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Whether <paramref name="directory"/> holds a project file.</summary>
    public static bool IsProjectDirectory(string directory) =>
        System.IO.Directory.Exists(directory) && System.IO.Directory.EnumerateFiles(directory, "*.csproj").Any();

    /// <summary>The project <paramref name="argument"/> names, relative to the current directory; a <see cref="BuildFailure"/> says why not.</summary>
    public static ImageProject Find(string argument)
    {
        string path = System.IO.Path.GetFullPath(argument);
        if (System.IO.Directory.Exists(path))
        {
            string[] projects = System.IO.Directory.GetFiles(path, "*.csproj");
            path = projects.Length switch
            {
                1 => projects[0],
                0 => throw new BuildFailure($"{argument}: no .csproj in this directory; give a kernel project (`unikernel new NAME` makes one) or its .csproj"),
                _ => throw new BuildFailure($"{argument} holds {projects.Length} projects ({string.Join(", ", projects.Select(System.IO.Path.GetFileName).Order())}): name the .csproj"),
            };
        }
        else if (!File.Exists(path))
        {
            throw new BuildFailure($"{argument}: no such project or directory");
        }
        else if (!path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            throw new BuildFailure($"{argument} is not a project: give a directory holding a .csproj, or the .csproj");
        }
        return Read(path);
    }

    private static ImageProject Read(string path)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (XmlException error)
        {
            throw new BuildFailure($"{path} is not a project file: {error.Message}");
        }
        string? Property(string name) => document.Descendants(name).FirstOrDefault()?.Value.Trim() is { Length: > 0 } value ? value : null;
        return new ImageProject(path, string.Equals(Property("ImageKind"), "kernel", StringComparison.OrdinalIgnoreCase), Property("Board"));
    }
}
