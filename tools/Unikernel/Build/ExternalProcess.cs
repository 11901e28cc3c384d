using System.ComponentModel;
using System.Diagnostics;

namespace Unikernel.Tool.Build;

/// <summary>Runs the external programs of the pipeline (dotnet, ilc, clang, ld.lld, llvm-objcopy).</summary>
public static class ExternalProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs to completion; a non-zero exit becomes a <see cref="BuildFailure"/> naming the step.</summary>
    public static Result Run(string step, string program, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = TryRun(program, arguments, workingDirectory, environment);
        if (result.ExitCode != 0)
        {
            string output = (result.Output + "\n" + result.Error).Trim();
            throw new BuildFailure($"{step} failed ({program} exited with {result.ExitCode}):\n{output}");
        }
        return result;
    }

    public static Result TryRun(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BuildFailure($"could not start {program}");
        }
        catch (Win32Exception)
        {
            throw new BuildFailure($"{program} was not found on PATH. Run ./unikernel as root once to install the toolchain " +
                "(apt-get install clang lld llvm qemu-system-arm iproute2), or install it yourself.");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Result(process.ExitCode, output, error.Result);
        }
    }
}
