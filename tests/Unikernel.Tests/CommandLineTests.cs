using System.Diagnostics;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// The `unikernel` script as a user runs it. In the "Images" collection: it builds the same
/// projects the image fixture does, and must not do so at the same time.
/// </summary>
[Collection("Images")]
public class CommandLineTests(ImageFixture images)
{
    private ExternalProcess.Result Unikernel(params string[] arguments) =>
        ExternalProcess.TryRun(Path.Combine(images.Root, "unikernel"), arguments, images.Root);

    [Fact]
    public void Emulate_with_a_timeout_shows_the_banner_and_stops()
    {
        var watch = Stopwatch.StartNew();
        var result = Unikernel("emulate", "--board", "orangepi-pc", "--timeout", "8");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Unikernel bootloader", result.Output);
        Assert.Contains("  board orangepi-pc", result.Output);
        Assert.Contains("emulate: stopped QEMU after 8 s", result.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"took {watch.Elapsed}");
    }

    /// <summary>The README's first command, as a user runs it (root: it makes a namespace and a TAP), on each emulated board.</summary>
    [Net.InteropTheory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Demo_pings_the_board_and_runs_the_sample_kernel(string board)
    {
        var result = Unikernel("demo", "--board", board, "--timeout", "60");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("0% packet loss", result.Output);
        Assert.Matches($"the kernel ran: \"hello from kernel at 0x42000000 on {board}\"", result.Output);
    }

    /// <summary>`emulate --kernel` with a raw binary: wrapped for the board's kernel address, netbooted, its console shown.</summary>
    [Net.InteropFact]
    public void Emulate_with_a_kernel_netboots_it_and_shows_its_console()
    {
        string raw = images.SampleKernels["orangepi-pc"].Binary;
        var result = Unikernel("emulate", "--kernel", raw, "--timeout", "2");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("raw binary, wrapped in a header", result.Output);
        Assert.Contains("at 0x42000000", result.Output);
        Assert.Contains("hello from kernel at 0x42000000 on orangepi-pc", result.Output);
    }

    [Fact]
    public void Build_of_an_unknown_board_names_the_known_ones()
    {
        var result = Unikernel("build", "--board", "pine64");
        Assert.Equal(1, result.ExitCode);
        string text = result.Output + result.Error;
        // One line, however long the repository path: piped output is not wrapped (a CI clone
        // under a longer path once split this message across two lines).
        Assert.Contains("no board named 'pine64'; known boards: orangepi-pc, pine64-plus, qemu-virt", text);
        Assert.DoesNotContain("registers", text); // the board is checked before any work
    }

    [Fact]
    public void Emulate_refuses_the_board_qemu_cannot_model()
    {
        var result = Unikernel("emulate", "--board", "pine64-plus");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("QEMU has no A64 model", (result.Output + result.Error).Replace("\n", ""));
    }

    /// <summary>
    /// A newcomer's first command: from a clean clone (of HEAD) with an empty NuGet cache,
    /// `./unikernel build` restores everything (the ILCompiler package included) and builds
    /// every board.
    /// </summary>
    [Fact]
    public void Clean_clone_with_an_empty_nuget_cache_builds_every_board()
    {
        string work = Directory.CreateTempSubdirectory("unikernel-newcomer-").FullName;
        try
        {
            string clone = Path.Combine(work, "clone");
            ExternalProcess.Run("cloning", "git", ["clone", "--quiet", "--no-hardlinks", images.Root, clone]);
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "nuget") };
            var result = ExternalProcess.TryRun(Path.Combine(clone, "unikernel"), ["build"], clone, environment);
            Assert.True(result.ExitCode == 0, $"./unikernel build failed:\n{result.Output}\n{result.Error}");
            foreach (string board in new[] { "orangepi-pc", "pine64-plus", "qemu-virt" })
            {
                string directory = Path.Combine(clone, "build", board);
                // Allwinner boards: the first stage and the netboot program it loads from the SD card.
                string[] images = board == "qemu-virt" ? ["Bootloader.bin"] : ["Bootloader.bin", "second-stage/Netboot.img", "sdcard.img"];
                foreach (string image in images)
                    Assert.True(File.Exists(Path.Combine(directory, image)), $"no {board} {image}");
                Assert.True(File.Exists(Path.Combine(directory, "size-report.txt")), $"no {board} size report");
                Assert.True(File.Exists(Path.Combine(directory, "hello", "Hello.img")), $"no {board} sample kernel");
            }
            Assert.True(Directory.Exists(Path.Combine(work, "nuget", "runtime.linux-x64.microsoft.dotnet.ilcompiler")),
                "ilc must come from the fresh NuGet cache");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
