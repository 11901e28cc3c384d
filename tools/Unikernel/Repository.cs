namespace Unikernel.Tool;

/// <summary>Finds the repository root: the directory holding the `unikernel` script and hardware/.</summary>
public static class Repository
{
    public static string FindRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "unikernel")) && Directory.Exists(Path.Combine(directory.FullName, "hardware", "boards")))
                    return directory.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (a directory with the `unikernel` script and hardware/boards); run from inside the repository");
    }
}
