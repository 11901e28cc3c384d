using Unikernel.Tool.Build;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The bench's C programs (bench/lwip-tuned, bench/tap-limits), compiled into build/bench/ with
/// clang (which ./unikernel installs; cc or gcc otherwise), again only when an input is newer.
/// </summary>
public static class CHarness
{
    /// <summary>Compiles <paramref name="arguments"/> into <paramref name="output"/> unless it is newer than every input; returns the output.</summary>
    public static string Build(string step, string output, IReadOnlyList<string> inputs, IEnumerable<string> arguments)
    {
        foreach (string input in inputs)
        {
            if (!File.Exists(input) && !Directory.Exists(input))
                throw new BenchFailure($"{step}: {input} is missing");
        }
        if (File.Exists(output) && inputs.All(input => Modified(input) <= File.GetLastWriteTimeUtc(output)))
            return output;
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        ExternalProcess.Run(step, Compiler(), [.. arguments, "-o", output]);
        return output;
    }

    /// <summary>The newest time of a file, or of any file under a directory.</summary>
    private static DateTime Modified(string input) =>
        Directory.Exists(input)
            ? Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max()
            : File.GetLastWriteTimeUtc(input);

    private static string Compiler() =>
        new[] { "clang", "cc", "gcc" }.FirstOrDefault(OnPath)
        ?? throw new BenchFailure("no C compiler (clang, cc or gcc) for the bench's harnesses: run ./unikernel once as root (it installs clang), or apt-get install clang");

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, program)));
}
