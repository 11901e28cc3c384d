using System.CommandLine;
using Spectre.Console;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Demo;
using Unikernel.Tool.Upload;

namespace Unikernel.Tool.Run;

/// <summary>
/// `unikernel run`: build a kernel project and boot it. In QEMU (the default): the board boots on
/// a TAP in a network namespace of its own and the kernel is netbooted as `emulate --kernel`
/// does, its console shown until it halts, --timeout or Ctrl-C. On a real board (--to): the
/// kernel is uploaded to its bootloader, whose reply is printed, and with --console the board's
/// UART is shown.
/// </summary>
public static class RunCommand
{
    /// <param name="buildKernel">Builds the project as a kernel for the board and says where the image is.</param>
    public static Command Create(string root, Func<BoardFile, ImageProject, BuiltImage> buildKernel)
    {
        var project = new Option<string?>("--project", "-p") { HelpName = "DIR|CSPROJ", Description = "The kernel project: a directory holding a .csproj, or the .csproj (default: the current directory if it holds one, else samples/Hello)" };
        var board = new Option<string?>("--board", "-b") { HelpName = "BOARD", Description = "The board (default: the project's <Board>, else orangepi-pc)" };
        var to = new Option<string?>("--to") { HelpName = "ADDR[%IF]", Description = "Upload to a real board's bootloader at this address: IPv4, or IPv6 with %IF (fe80::...%eth0)" };
        var emulate = new Option<bool>("--emulate") { Description = "Boot the board in QEMU and netboot the kernel there (the default without --to; needs root)" };
        var timeout = new Option<double?>("--timeout") { HelpName = "SECONDS", Description = "Stop showing the console after this many seconds (default: when the kernel halts, or Ctrl-C)" };
        var serial = new Option<string?>("--console") { HelpName = "DEVICE", Description = "With --to: show the board's UART from this serial device (e.g. /dev/ttyUSB0) until --timeout or Ctrl-C" };
        var command = new Command("run", "Build a kernel project and boot it: in QEMU on a board netbooted over a TAP (the default), or on a real board with --to")
        {
            project, board, to, emulate, timeout, serial,
        };
        command.SetAction(result =>
        {
            double? seconds = result.GetValue(timeout);
            return Run(root, buildKernel, result.GetValue(project), result.GetValue(board), result.GetValue(to), result.GetValue(emulate),
                seconds is { } s ? TimeSpan.FromSeconds(s) : null, result.GetValue(serial));
        });
        return command;
    }

    public static int Run(string root, Func<BoardFile, ImageProject, BuiltImage> buildKernel, string? projectArgument, string? boardName,
        string? to, bool emulate, TimeSpan? timeout, string? serialDevice)
    {
        try
        {
            if (to is not null && emulate)
                throw new BuildFailure("--to uploads to a real board and --emulate boots one in QEMU: give one of them");
            if (serialDevice is not null && to is null)
                throw new BuildFailure("--console shows a real board's UART: give the board's address with --to too (in QEMU the console is shown anyway)");
            if (timeout is { } t && !(t > TimeSpan.Zero))
                throw new BuildFailure("--timeout must be positive");
            var project = ImageProject.Find(projectArgument ?? DefaultProject(root));
            var board = BoardCatalog.Load(root, boardName ?? project.Board ?? DemoCommand.DefaultBoard);
            if (to is null)
            {
                // Fail before the build, not after it.
                DemoCommand.RequireRoot("run");
                if (board.Emulator is null)
                    throw new BuildFailure($"{board.Name} cannot be emulated: QEMU has no {board.Soc.ToUpperInvariant()} model. Use --board orangepi-pc or --board qemu-virt, or --to for a real board.");
                var kernel = buildKernel(board, project);
                return DemoCommand.Run(root, board.Name, TimeSpan.FromSeconds(60), kernel.KernelImage, timeout, kernel.Elf, "run");
            }
            UploadTarget.Parse(to, UploadTarget.DefaultPort);
            if (serialDevice is not null && !File.Exists(serialDevice))
                throw new BuildFailure($"no serial device {serialDevice}: plug in the USB serial adapter and look for it with `ls /dev/ttyUSB* /dev/ttyACM*`.");
            var built = buildKernel(board, project);
            return serialDevice is null ? Upload(built, to) : UploadWithConsole(built, to, serialDevice, timeout);
        }
        catch (Exception error) when (error is BuildFailure or BoardFileException or UploadFailure)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }

    /// <summary>The current directory if it holds a project, else the sample kernel.</summary>
    private static string DefaultProject(string root) =>
        ImageProject.IsProjectDirectory(Environment.CurrentDirectory) ? Environment.CurrentDirectory : Path.Combine(root, "samples", "Hello");

    private static int Upload(BuiltImage kernel, string to) =>
        UploadCommand.Run(AnsiConsole.Console, kernel.KernelImage, to, UploadTarget.DefaultPort, null, null, UploadCommand.DefaultTimeoutSeconds);

    /// <summary>The UART is opened first, so the kernel's first lines are not missed; it is shown until the timeout or Ctrl-C.</summary>
    private static int UploadWithConsole(BuiltImage kernel, string to, string device, TimeSpan? timeout)
    {
        Exception? failed = null;
        var console = new Thread(() =>
        {
            try
            {
                SerialConsole.SerialConsoleCommand.Run(device, 115200, Stream.Null, Console.OpenStandardOutput(), timeout);
            }
            catch (Exception error) when (error is BuildFailure or IOException or UnauthorizedAccessException)
            {
                failed = error;
            }
        }) { IsBackground = true, Name = "board console" };
        console.Start();
        int uploaded = Upload(kernel, to);
        if (uploaded != 0)
            return uploaded;
        if (timeout is null)
            AnsiConsole.MarkupLine($"[grey]run:[/] the board's console on {Markup.Escape(device)} (Ctrl-C stops)");
        console.Join();
        if (failed is not null)
            throw new BuildFailure(failed.Message);
        return 0;
    }
}
