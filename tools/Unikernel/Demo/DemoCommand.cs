using System.CommandLine;
using Spectre.Console;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;

namespace Unikernel.Tool.Demo;

/// <summary>
/// `unikernel demo`, the main job: build the board's bootloader (the Orange Pi PC's SD card by
/// default, or qemu-virt's firmware image) and the sample kernel, boot the board in QEMU on a TAP
/// in a network namespace of its own, ping6 its link-local address, upload samples/Hello over TCP
/// and show what the kernel prints; then clean up. `emulate --kernel` and `run` netboot their
/// kernel the same way (<see cref="Run"/>).
/// </summary>
public static class DemoCommand
{
    /// <summary>The board the demo runs when none is named: the embedded default.</summary>
    public const string DefaultBoard = "orangepi-pc";

    public static Command Create(string root)
    {
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each step (boot, ping, upload, kernel output)", DefaultValueFactory = _ => 60 };
        var board = new Option<string>("--board", "-b") { Description = "orangepi-pc or qemu-virt", DefaultValueFactory = _ => DefaultBoard };
        var command = new Command("demo", "Build, boot a board (orangepi-pc or qemu-virt) in QEMU on a TAP in its own network namespace, ping6 it, upload samples/Hello, show its output, clean up (needs root)")
        {
            timeout,
            board,
        };
        command.SetAction(result => Run(root, result.GetValue(board)!, TimeSpan.FromSeconds(result.GetValue(timeout))));
        return command;
    }

    /// <param name="kernelFile">
    /// `emulate --kernel FILE` and `run`: upload this kernel (an image, or a raw binary wrapped
    /// for the board's kernel address) instead of samples/Hello, then show the console until the
    /// kernel halts (when <paramref name="kernelElf"/> tells where it would), it panics,
    /// <paramref name="showFor"/> has passed, or Ctrl-C.
    /// </param>
    /// <param name="kernelElf">The kernel's ELF file, whose <c>__unikernel_halt</c> says where its first core waits once it has halted.</param>
    /// <param name="command">The command as the user typed it, for messages (demo, emulate --kernel, run).</param>
    public static int Run(string root, string boardName, TimeSpan stepTimeout, string? kernelFile = null, TimeSpan? showFor = null,
        string? kernelElf = null, string command = "demo")
    {
        string verb = command.Split(' ')[0];
        void Step(string text) => AnsiConsole.MarkupLine($"[green]{verb}:[/] {Markup.Escape(text)}");
        try
        {
            RequireRoot(command);
            if (kernelFile is not null && !File.Exists(kernelFile))
                throw new BuildFailure($"no kernel file {kernelFile}: give a kernel image (./unikernel build writes build/{boardName}/hello/Hello.img) or a raw binary");
            var board = BoardCatalog.Load(root, boardName);
            if (board.Emulator is null)
                throw new BuildFailure($"{board.Name} cannot be emulated: QEMU has no {board.Soc.ToUpperInvariant()} model. Use --board orangepi-pc or --board qemu-virt.");
            string directory = Path.Combine(root, "build", board.Name);
            BuiltImage? image = null;
            BuiltImage? kernel = null;
            AnsiConsole.Status().Start($"{board.Name}: building", context =>
            {
                var builder = new ImageBuilder(root, step => context.Status(Markup.Escape(step)));
                image = builder.BuildBootloader(board, directory);
                if (kernelFile is null)
                    kernel = builder.BuildSampleKernel(board, Path.Combine(directory, "hello"));
            });
            string upload = kernelFile ?? kernel!.KernelImage;
            string built = image!.SecondStage is { } second
                ? $"{image.SdCard} (first stage {image.Size.ImageBytes} bytes, second stage {second.Size.ImageBytes} bytes)"
                : $"{image.Binary} ({image.Size.ImageBytes} bytes)";
            Step($"built {built}{(kernel is null ? "" : " and " + kernel.KernelImage)}");

            using var monitor = new QemuMonitor();
            using var network = EmulatedNetwork.Start(image, "ukdemo", monitor.Arguments);
            string from = board.Emulator.Boot == Unikernel.Registers.Boards.EmulatorBoot.SdCard ? "from the SD card" : "its firmware image";
            Step($"QEMU {board.Name} booting {from} on TAP {EmulatedNetwork.Tap} in network namespace {network.Namespace}");
            using var echo = new ConsoleEcho(network.Qemu);
            string address = network.WaitForLinkLocal(stepTimeout);
            echo.Flush();
            string scoped = EmulatedNetwork.Scoped(address);

            var ping = network.Run("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", scoped);
            echo.Flush();
            Step($"ping -6 -c 3 {scoped}:");
            foreach (string line in ping.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                AnsiConsole.WriteLine("  " + line);
            if (ping.ExitCode != 0)
                throw new BuildFailure($"the board did not answer ping6 at {scoped}");

            Step($"./unikernel upload {Path.GetRelativePath(root, Path.GetFullPath(upload))} --to {scoped}");
            int lines = network.Qemu.LineCount;
            int uploaded = 1;
            // A raw binary is wrapped for the board's kernel address; an image carries its own.
            bool raw = kernelFile is not null && !Unikernel.Boot.Image.KernelImage.StartsWithMagic(File.ReadAllBytes(kernelFile));
            string? load = raw && board.Kernel is { } layout ? AddressArgument.Format(layout.Load.Address) : null;
            network.Inside(() => uploaded = UploadCommand.Run(AnsiConsole.Console, upload, scoped, UploadTarget.DefaultPort, load, null, stepTimeout.TotalSeconds));
            if (uploaded != 0)
                throw new BuildFailure("the upload failed (see above)");
            if (kernelFile is not null)
            {
                ulong? halt = kernelElf is null ? null : ElfFile.Read(kernelElf).Symbols.FirstOrDefault(s => s.Name == "__unikernel_halt")?.Value;
                string until = (halt is null ? "" : "until it halts, ") + (showFor is { } span ? $"for at most {span.TotalSeconds:0} s, " : "");
                Step($"the kernel's console {until}Ctrl-C stops");
                string end = Watch(network, monitor, halt, showFor, lines);
                echo.Flush();
                if (network.Qemu.FindLine(PanicLine, lines) is { } panic)
                    throw new BuildFailure($"the kernel panicked: {panic}");
                Step($"{end}; stopping QEMU and deleting {network.Namespace}");
                return 0;
            }
            var hello = network.WaitForConsole("hello from kernel at .*", stepTimeout, lines);
            echo.Flush();
            Step($"the kernel ran: \"{hello.Value}\"; stopping QEMU and deleting {network.Namespace}");
            return 0;
        }
        catch (Exception error) when (error is BuildFailure or BoardFileException or TimeoutException or UploadFailure)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }

    /// <summary>A line the runtime prints when a kernel panics (Kernel.Panic, a failed runtime check, an exception vector).</summary>
    private const string PanicLine = "^panic: .*";

    /// <summary>Refuses to go on without root, which a network namespace and a TAP device need.</summary>
    public static void RequireRoot(string command)
    {
        if (Environment.UserName != "root")
            throw new BuildFailure($"{command} makes a network namespace and a TAP device: run it as root (sudo ./unikernel {command} ...)");
    }

    /// <summary>
    /// Waits until the kernel halts (its first core in <c>__unikernel_halt</c>), panics,
    /// <paramref name="showFor"/> passes or Ctrl-C, and says which; throws if QEMU dies.
    /// </summary>
    private static string Watch(EmulatedNetwork network, QemuMonitor monitor, ulong? halt, TimeSpan? showFor, int lines)
    {
        using var stopped = new ManualResetEventSlim();
        ConsoleCancelEventHandler cancel = (_, e) => { e.Cancel = true; stopped.Set(); };
        Console.CancelKeyPress += cancel;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                if (stopped.Wait(TimeSpan.FromMilliseconds(250)))
                    return "stopped by Ctrl-C";
                if (network.Qemu.HasExited)
                    throw new BuildFailure($"QEMU exited with {network.Qemu.ExitCode} while the kernel ran");
                if (network.Qemu.FindLine(PanicLine, lines) is not null)
                    return "the kernel panicked";
                // The halt loop is three instructions (src/Platform/Entry/*.S); QEMU reports a waiting core at or after its WFI.
                if (halt is { } start && monitor.ProgramCounter() is { } pc && pc >= start && pc < start + 16)
                    return $"the kernel halted after {clock.Elapsed.TotalSeconds:0.0} s";
                if (showFor is { } span && clock.Elapsed >= span)
                    return $"{span.TotalSeconds:0} s passed";
            }
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    /// <summary>Copies the board's console to the terminal as it comes, indented, while the demo runs.</summary>
    private sealed class ConsoleEcho : IDisposable
    {
        private readonly BackgroundProcess _qemu;
        private readonly Timer _timer;
        private readonly object _gate = new();
        private int _printed;

        public ConsoleEcho(BackgroundProcess qemu)
        {
            _qemu = qemu;
            _timer = new Timer(_ => Flush(), null, 0, 100);
        }

        public void Flush()
        {
            lock (_gate)
            {
                string output = _qemu.Output;
                int end = output.LastIndexOf('\n') + 1;
                if (end <= _printed)
                    return;
                foreach (string line in output[_printed..end].Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    AnsiConsole.MarkupLine($"[grey]  | {Markup.Escape(line.TrimEnd('\r'))}[/]");
                _printed = end;
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            Flush();
        }
    }
}
