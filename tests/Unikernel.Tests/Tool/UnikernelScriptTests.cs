using Unikernel.Tool;
using Unikernel.Tool.Build;

namespace Unikernel.Tests.Tool;

/// <summary>
/// The ./unikernel script's installation of missing packages, run by bash with PATH holding only
/// stubs: an apt-get that prints a lot (and fails when told to), an id that says who we are and
/// a dotnet that stands for the tool, beside the few real commands the script uses. None of the
/// toolchain is on that PATH, so the script finds it all missing.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnikernelScriptTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("unikernel-script-").FullName;
    private string Stubs => Path.Combine(_work, "bin");
    private string Temporary => Path.Combine(_work, "tmp");

    public UnikernelScriptTests()
    {
        Directory.CreateDirectory(Stubs);
        Directory.CreateDirectory(Temporary);
        foreach (string command in new[] { "dirname", "sort", "tr", "mktemp", "cat", "rm", "find" })
        {
            string real = new[] { "/usr/bin", "/bin" }.Select(directory => Path.Combine(directory, command)).First(File.Exists);
            File.CreateSymbolicLink(Path.Combine(Stubs, command), real);
        }
        Stub("dotnet", "echo \"dotnet $*\"");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private void Stub(string name, string body)
    {
        string path = Path.Combine(Stubs, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>An apt-get that prints 200 lines of progress, records its arguments and exits with <paramref name="exit"/>.</summary>
    private void StubAptGet(int exit) =>
        Stub("apt-get", $"echo \"$*\" >> {_work}/apt-get.calls\ni=0\nwhile [ $i -lt 200 ]; do echo \"Get:$i http://deb.debian.org/debian trixie/main amd64 package-$i\"; i=$((i+1)); done\n" +
            (exit == 0 ? "exit 0" : $"echo 'E: Unable to locate package clang' >&2\nexit {exit}"));

    private ExternalProcess.Result Script(params string[] arguments) =>
        ExternalProcess.TryRun("/bin/bash", [Path.Combine(Repository.FindRoot(), "unikernel"), .. arguments], _work,
            new Dictionary<string, string> { ["PATH"] = Stubs, ["TMPDIR"] = Temporary });

    [Fact]
    public void Missing_packages_are_installed_with_one_line_and_apts_output_kept_out_of_sight()
    {
        Stub("id", "echo 0");
        StubAptGet(0);
        var result = Script("--version");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        string[] installing = result.Error.Split('\n').Where(line => line.StartsWith("unikernel: installing", StringComparison.Ordinal)).ToArray();
        Assert.Single(installing);
        Assert.Matches(@"^unikernel: installing (\S+ )+\.\.\. done$", installing[0]);
        Assert.Contains(" clang ", installing[0]);
        Assert.Contains(" qemu-system-arm ", installing[0]);
        Assert.Contains(" device-tree-compiler ", installing[0]); // dtc, which the device tree tests read their results with
        Assert.DoesNotContain("Get:", result.Output + result.Error);
        string calls = File.ReadAllText(Path.Combine(_work, "apt-get.calls"));
        Assert.StartsWith("update -qq\ninstall -y -qq --no-install-recommends ", calls);
        Assert.Contains(" clang ", calls);
        Assert.Empty(Directory.GetFiles(Temporary)); // the log goes once apt succeeded
        Assert.Contains("dotnet ", result.Output); // then the tool runs
    }

    [Fact]
    public void A_failed_installation_shows_apts_output_and_where_the_log_is()
    {
        Stub("id", "echo 0");
        StubAptGet(100);
        var result = Script("--version");
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"unikernel: installing (\S+ )+\.\.\. failed\n", result.Error);
        Assert.Contains("Get:199 http://deb.debian.org/debian", result.Error);
        Assert.Contains("E: Unable to locate package clang", result.Error);
        string log = Assert.Single(Directory.GetFiles(Temporary));
        Assert.Contains($"apt-get's output is above and in {log}", result.Error);
        Assert.Contains("E: Unable to locate package clang", File.ReadAllText(log));
        Assert.DoesNotContain("dotnet ", result.Output); // the tool does not run
    }

    [Fact]
    public void Without_root_the_script_prints_the_command_to_install_and_installs_nothing()
    {
        Stub("id", "echo 1000");
        StubAptGet(0);
        var result = Script("--version");
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"unikernel: missing (\S+ )*clang( \S+)*; install them with:\n  sudo apt-get update && sudo apt-get install -y ", result.Error);
        Assert.False(File.Exists(Path.Combine(_work, "apt-get.calls")));
    }
}
