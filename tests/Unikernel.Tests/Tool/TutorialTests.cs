using System.Text.RegularExpressions;
using Unikernel.Tests.Flash;
using Unikernel.Tests.Net;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Tool;

/// <summary>
/// docs/unikernel.md, run as written: every command of its <c>sh</c> blocks, in order, from a
/// temporary directory (<c>./unikernel</c> is this repository's script, <c>sudo</c> is dropped: the
/// tests run as root), and every file it shows (<c>&lt;!-- file: PATH --&gt;</c> before a block)
/// written where it says. What only a real board has is the emulated board's here: the
/// namespace, addresses and interface come from the run's own output or from an emulated
/// orangepi-pc, <c>/dev/sdX</c> is a loop device, and <c>--board pine64-plus</c> for the upload
/// is orangepi-pc (QEMU has no A64). A command the test does not know how to run fails the test,
/// so the page cannot gain a command no test runs.
/// </summary>
[Collection("Images")]
public sealed class TutorialTests(ImageFixture images, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(120);

    // The page's example values, replaced by the run's own.
    private const string ExampleNamespace = "ukdemo5f0c2a9e1b";
    private const string ExampleLinkLocal = "fe80::81:4aff:fe58:bd80";
    private const string ExampleIpv4 = "169.254.88.128";
    private const string ExampleCard = "/dev/sdX";
    private const string RealBoardAddress = "fe80::ba27:ebff:fe01:2345";

    private readonly string _work = Directory.CreateTempSubdirectory("unikernel-tutorial-").FullName;
    private readonly Dictionary<string, string> _values = [];
    private readonly List<IDisposable> _cleanup = [];

    /// <summary>The namespace of the emulated board that stands in for the real one.</summary>
    private string? _boardNamespace;

    private abstract record Step;
    private sealed record Commands(string[] Lines) : Step;
    private sealed record FileContent(string Path, string Text) : Step;

    /// <summary>The page's sh blocks and shown files, in order.</summary>
    private static List<Step> ReadPage(string root)
    {
        string page = File.ReadAllText(Path.Combine(root, "docs", "unikernel.md"));
        var steps = new List<Step>();
        foreach (Match block in Regex.Matches(page, @"(?:<!-- file: (?<file>\S+) -->\n)?```(?<language>\w*)\n(?<body>.*?)```", RegexOptions.Singleline))
        {
            string body = block.Groups["body"].Value;
            if (block.Groups["file"].Success)
                steps.Add(new FileContent(block.Groups["file"].Value, body));
            else if (block.Groups["language"].Value == "sh")
                steps.Add(new Commands(body.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }
        return steps;
    }

    [InteropFact]
    public void Every_command_of_the_tutorial_runs_from_new_to_a_web_server_in_qemu_and_on_the_board_stand_ins()
    {
        var steps = ReadPage(images.Root);
        Assert.True(steps.OfType<Commands>().Count() >= 5, "the page has lost its commands");
        BackgroundProcess? serving = null;
        foreach (var step in steps)
        {
            if (step is FileContent file)
            {
                File.WriteAllText(Path.Combine(_work, file.Path), file.Text);
                continue;
            }
            bool startedHere = false;
            foreach (string written in ((Commands)step).Lines)
            {
                string command = written.StartsWith("sudo ", StringComparison.Ordinal) ? written["sudo ".Length..] : written;
                log.WriteLine($"$ {command}");
                if (command.Contains("unikernel run") && command.Contains("--timeout") && !command.Contains("--to "))
                {
                    serving = StartServing(command);
                    startedHere = true;
                }
                else
                {
                    Run(command);
                }
            }
            // A serving kernel is stopped (Ctrl-C) once the block after the one that started it has run.
            if (serving is not null && !startedHere)
            {
                StopServing(serving);
                serving = null;
            }
        }
        Assert.Null(serving);
    }

    private string Script(string command) => command.Replace("./unikernel", Path.Combine(images.Root, "unikernel"));

    private string WithValues(string command)
    {
        foreach (var (example, actual) in _values)
            command = command.Replace(example, actual);
        return command;
    }

    private void Run(string command)
    {
        if (command.StartsWith("./unikernel new ", StringComparison.Ordinal))
        {
            var made = Shell(command);
            Assert.True(made.ExitCode == 0, made.Output + made.Error);
            Assert.True(File.Exists(Path.Combine(_work, "mykernel", "Program.cs")), made.Output);
        }
        else if (command.StartsWith("./unikernel run ", StringComparison.Ordinal) && command.Contains("--to "))
        {
            UploadToTheBoard(command);
        }
        else if (command.StartsWith("./unikernel run ", StringComparison.Ordinal))
        {
            var run = Shell(command);
            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.Contains("| hello from mykernel on orangepi-pc", run.Output);
            Assert.Contains("| goodbye from mykernel", run.Output);
        }
        else if (command.StartsWith("./unikernel flash ", StringComparison.Ordinal))
        {
            Flash(command);
        }
        else if (command.StartsWith("ip netns exec ", StringComparison.Ordinal))
        {
            var result = Shell(WithValues(command));
            Assert.True(result.ExitCode == 0, $"{WithValues(command)}: {result.Output}{result.Error}");
            if (command.Contains(" curl "))
                Assert.Matches(@"^hello from mykernel on orangepi-pc, visit \d+\n$", result.Output);
        }
        else if (command.StartsWith("curl ", StringComparison.Ordinal))
        {
            // On the board's network: here the emulated board's namespace.
            Assert.True(_boardNamespace is not null, "a curl to the board before the upload to it");
            var result = Shell($"ip netns exec {_boardNamespace} {WithValues(command)}");
            Assert.True(result.ExitCode == 0, result.Output + result.Error);
            Assert.Matches(@"^hello from mykernel on orangepi-pc, visit \d+\n$", result.Output);
        }
        else
        {
            Assert.Fail($"docs/unikernel.md has a command this test does not run: {command}");
        }
    }

    private ExternalProcess.Result Shell(string command)
    {
        var result = ExternalProcess.TryRun("bash", ["-c", Script(command)], _work);
        log.WriteLine(result.Output + result.Error);
        return result;
    }

    /// <summary>The web server kernel in QEMU, left running: the namespace and its addresses from what it prints.</summary>
    private BackgroundProcess StartServing(string command)
    {
        var run = new BackgroundProcess("bash", ["-c", $"cd {_work} && exec {Script(command)}"]);
        _cleanup.Add(run);
        _values[ExampleNamespace] = run.WaitForLine(@"in network namespace (\S+)", Boot).Groups[1].Value;
        run.WaitForLine(@"\| mykernel: serving http on port 80", Boot * 3);
        _values[ExampleLinkLocal] = run.WaitForLine(@"\| \[ OK \] IPv6 (fe80::[0-9a-f:]+) \(link-local\)", Boot).Groups[1].Value;
        _values[ExampleIpv4] = run.WaitForLine(@"\| \[ OK \] IPv4 (169\.254\.\d+\.\d+)/16 \(link-local, from the MAC\)", Boot).Groups[1].Value;
        return run;
    }

    /// <summary>Ctrl-C, as the page says: the run stops QEMU, deletes its namespace and succeeds.</summary>
    private void StopServing(BackgroundProcess run)
    {
        ExternalProcess.Run("interrupting unikernel run", "kill", ["-INT", run.Id.ToString()]);
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)), run.Output);
        log.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.DoesNotContain(_values[ExampleNamespace], ExternalProcess.TryRun("ip", ["netns", "list"]).Output);
    }

    /// <summary><c>flash</c> onto a loop device over a file, which then starts with the card image.</summary>
    private void Flash(string command)
    {
        Assert.True(File.Exists("/dev/loop-control"), "the flash step needs loop devices (root)");
        string card = Path.Combine(_work, "card");
        using (var file = File.Create(card))
            file.SetLength(64 << 20);
        var loop = LoopDevice.Attach(card);
        _cleanup.Add(loop);
        var flashed = Shell(command.Replace(ExampleCard, loop.Path));
        Assert.True(flashed.ExitCode == 0, flashed.Output + flashed.Error);
        Assert.Contains($"to {loop.Path}", flashed.Output);
    }

    /// <summary><c>run --to</c> a board's bootloader: an emulated orangepi-pc's, from inside its namespace.</summary>
    private void UploadToTheBoard(string command)
    {
        var network = EmulatedNetwork.Start(images.Bootloaders["orangepi-pc"]);
        _cleanup.Add(network);
        string address = network.WaitForLinkLocal(Boot);
        _values[RealBoardAddress] = address;
        _values["%eth0"] = "%" + EmulatedNetwork.Tap;
        _boardNamespace = network.Namespace;
        string onTheStandIn = WithValues(command).Replace("--board pine64-plus", "--board orangepi-pc");
        var upload = Shell($"ip netns exec {network.Namespace} {onTheStandIn}");
        Assert.True(upload.ExitCode == 0, upload.Output + upload.Error);
        Assert.Matches(@"ok \d+ sha256 [0-9a-f]{64}, jumping to 0x42000000", upload.Output);
        network.WaitForConsole("mykernel: serving http on port 80", Boot);
    }

    public void Dispose()
    {
        for (int i = _cleanup.Count - 1; i >= 0; i--)
            _cleanup[i].Dispose();
        // A run killed by a failed step leaves its namespace (and QEMU in it) behind.
        if (_values.TryGetValue(ExampleNamespace, out string? left) && ExternalProcess.TryRun("ip", ["netns", "list"]).Output.Contains(left))
            NamespaceThread.Delete(left);
        Directory.Delete(_work, recursive: true);
    }
}
