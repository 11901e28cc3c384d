using Unikernel.Tests.Image;
using Unikernel.Tests.Net;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Run;

namespace Unikernel.Tests.Tool;

/// <summary>
/// `unikernel run`: a kernel made with `unikernel new` in a directory outside the repository,
/// built and netbooted on QEMU orangepi-pc as a user runs it; and what it refuses before building.
/// </summary>
[Collection("Images")]
public sealed class RunCommandTests(ImageFixture images) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("unikernel-run-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private ExternalProcess.Result Unikernel(params string[] arguments) =>
        ExternalProcess.TryRun(Path.Combine(images.Root, "unikernel"), arguments, _work);

    [InteropFact]
    public void A_new_kernel_runs_in_qemu_from_outside_the_repository_until_it_halts()
    {
        var made = Unikernel("new", "mykernel");
        Assert.True(made.ExitCode == 0, made.Output + made.Error);
        Assert.True(File.Exists(Path.Combine(_work, "mykernel", "mykernel.csproj")));

        var run = Unikernel("run", "--project", "mykernel", "--emulate", "--timeout", "120");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains($"built {Path.Combine(images.Root, "build", "orangepi-pc", "mykernel", "mykernel.img")}", run.Output);
        Assert.Contains("bootloader: ok ", run.Output);
        Assert.Contains("| hello from mykernel on orangepi-pc", run.Output);
        Assert.Contains("| mykernel: 3 seconds", run.Output);
        Assert.Contains("| goodbye from mykernel", run.Output);
        Assert.Matches(@"run: the kernel halted after \d+\.\d s; stopping QEMU and deleting ukdemo", run.Output);
    }

    /// <summary>A kernel that panics: `run` shows the panic line and fails.</summary>
    [InteropFact]
    public void A_kernel_that_panics_fails_the_run_with_its_panic_line()
    {
        Assert.Equal(0, Unikernel("new", "panicky").ExitCode);
        string program = Path.Combine(_work, "panicky", "Program.cs");
        string source = File.ReadAllText(program);
        const string Goodbye = "KernelConsole.WriteLine(\"goodbye from panicky\"u8);";
        Assert.Contains(Goodbye, source);
        File.WriteAllText(program, source.Replace(Goodbye, "Unikernel.Kernel.Panic(\"on purpose\"u8);"));

        var run = Unikernel("run", "--project", "panicky", "--timeout", "120");
        Assert.True(run.ExitCode == 1, run.Output + run.Error);
        Assert.Contains("| panicky: 3 seconds", run.Output);
        Assert.Matches(@"error: the kernel panicked: panic: on purpose at 0x[0-9a-f]+", run.Output);
        Assert.DoesNotContain("goodbye", run.Output);
    }

    /// <summary>`run --to`: the kernel goes to a board's bootloader (here QEMU's, on a TAP in a namespace of the test's own) and its reply is printed.</summary>
    [InteropFact]
    public void Run_to_a_boards_address_uploads_the_kernel_and_prints_the_reply()
    {
        string hello = Path.Combine(images.Root, "samples", "Hello");
        var kernel = images.SampleKernels["orangepi-pc"];
        using var network = EmulatedNetwork.Start(images.Bootloaders["orangepi-pc"]);
        string address = EmulatedNetwork.Scoped(network.WaitForLinkLocal(TimeSpan.FromSeconds(60)));
        (int Exit, string Output) run = default;
        network.Inside(() => run = Run(hello, null, address, emulate: false, build: (board, project) =>
        {
            Assert.Equal("orangepi-pc", board.Name);
            Assert.Equal(Path.Combine(hello, "Hello.csproj"), project.Path);
            return kernel;
        }));
        Assert.True(run.Exit == 0, run.Output);
        Assert.Contains($"upload: {kernel.KernelImage}: kernel image", run.Output);
        Assert.Matches(@"bootloader: ok \d+ sha256 [0-9a-f]{64}, jumping to 0x42000000", run.Output);
        network.WaitForConsole("hello from kernel at 0x42000000 on orangepi-pc", TimeSpan.FromSeconds(30));
    }

    private static (int Exit, string Output) Run(string? project, string? board, string? to, bool emulate, string? device = null,
        Func<global::Unikernel.Registers.Boards.BoardFile, ImageProject, BuiltImage>? build = null)
    {
        var writer = new StringWriter();
        var previous = Spectre.Console.AnsiConsole.Console;
        Spectre.Console.AnsiConsole.Console = PlainConsole.Create(writer);
        try
        {
            int exit = RunCommand.Run(global::Unikernel.Tool.Repository.FindRoot(), build ?? ((_, _) => throw new InvalidOperationException("built although refused")),
                project, board, to, emulate, null, device);
            return (exit, writer.ToString());
        }
        finally
        {
            Spectre.Console.AnsiConsole.Console = previous;
        }
    }

    [Fact]
    public void Conflicting_or_wrong_arguments_are_refused_before_building()
    {
        string hello = Path.Combine(images.Root, "samples", "Hello");
        Assert.Contains("give one of them", Run(hello, null, "fe80::1%lo", emulate: true).Output);
        Assert.Contains("give the board's address with --to too", Run(hello, null, null, emulate: false, device: "/dev/ttyUSB9").Output);
        Assert.Contains("no such project or directory", Run(Path.Combine(_work, "nothing"), null, "127.0.0.1", emulate: false).Output);
        Assert.Contains("no .csproj in this directory", Run(_work, null, "127.0.0.1", emulate: false).Output);
        Assert.Contains("no board named 'pine64'", Run(hello, "pine64", "127.0.0.1", emulate: false).Output);
        Assert.Contains("is not an IP address", Run(hello, null, "board.local", emulate: false).Output);
        Assert.Contains("no serial device /dev/ttyUSB9", Run(hello, null, "127.0.0.1", emulate: false, device: "/dev/ttyUSB9").Output);
        Assert.Contains("QEMU has no A64 model", Run(hello, "pine64-plus", null, emulate: true).Output);
    }
}
