using System.CommandLine;
using Spectre.Console;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.SerialConsole;

/// <summary>
/// `unikernel console DEVICE`: the board's UART through a USB serial adapter (/dev/ttyUSB0),
/// 115200 8N1 by default as the bootloader sets it (hardware/boards/*.yaml console:). What the
/// board prints goes to stdout; what is typed goes to the board; Ctrl-A X quits, as in
/// `emulate`. With input from a pipe, it is sent and the console stops at --timeout.
/// </summary>
public static class SerialConsoleCommand
{
    private const byte CtrlA = 0x01;

    public static Command Create()
    {
        var device = new Argument<string>("DEVICE") { Description = "The serial device, e.g. /dev/ttyUSB0" };
        var baud = new Option<int>("--baud") { Description = "Line speed", DefaultValueFactory = _ => 115200 };
        var timeout = new Option<double?>("--timeout") { Description = "Stop after this many seconds" };
        var command = new Command("console", "A serial console on the board's UART (Ctrl-A X quits)") { device, baud, timeout };
        command.SetAction(result =>
        {
            try
            {
                bool interactive = !Console.IsInputRedirected;
                using var terminal = interactive ? RawTerminal.Enter() : null;
                if (interactive)
                    Console.Error.Write("(Ctrl-A X quits)\r\n");
                double? seconds = result.GetValue(timeout);
                return Run(result.GetValue(device)!, result.GetValue(baud), Console.OpenStandardInput(), Console.OpenStandardOutput(),
                    seconds is { } s ? TimeSpan.FromSeconds(s) : null);
            }
            catch (Exception error) when (error is BuildFailure or IOException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Relays between the device and the two streams until Ctrl-A X on input, or the timeout.</summary>
    public static int Run(string devicePath, int baud, Stream input, Stream output, TimeSpan? timeout)
    {
        Configure(devicePath, baud);
        using var device = new FileStream(devicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, useAsync: false);
        var relay = new Relay(device);
        if (timeout is { } t)
            relay.Stop.CancelAfter(t);
        new Thread(() => relay.Guard(() => relay.FromBoard(output))) { IsBackground = true, Name = "serial from board" }.Start();
        new Thread(() => relay.Guard(() => relay.ToBoard(input))) { IsBackground = true, Name = "serial to board" }.Start();
        relay.Stop.Token.WaitHandle.WaitOne();
        if (relay.Lost is { } why)
            throw new IOException($"{devicePath} stopped answering ({why}): was the adapter unplugged?");
        return 0;
    }

    /// <summary>The two copying loops and what stops them: Ctrl-A X, the timeout, or the device failing.</summary>
    private sealed class Relay(FileStream device)
    {
        public CancellationTokenSource Stop { get; } = new();

        /// <summary>Why the device failed, if it did (an adapter unplugged reads as EIO).</summary>
        public string? Lost { get; private set; }

        public void Guard(Action loop)
        {
            try
            {
                loop();
            }
            catch (IOException error)
            {
                if (!Stop.IsCancellationRequested)
                    Lost = error.Message;
                Stop.Cancel();
            }
        }

        public void FromBoard(Stream output)
        {
            var buffer = new byte[4096];
            while (!Stop.IsCancellationRequested)
            {
                int count = device.Read(buffer);
                if (count <= 0)
                {
                    // A tty reads end-of-file once it is hung up: the USB adapter went away (Linux tty_io.c hung_up_tty_read).
                    if (!Stop.IsCancellationRequested)
                        Lost = "hang-up";
                    Stop.Cancel();
                    return;
                }
                output.Write(buffer, 0, count);
                output.Flush();
            }
        }

        /// <summary>Typed bytes to the board, except the Ctrl-A X escape; at the end of piped input, keeps showing the board until the timeout.</summary>
        public void ToBoard(Stream input)
        {
            var buffer = new byte[256];
            bool escape = false;
            while (!Stop.IsCancellationRequested)
            {
                int count = input.Read(buffer);
                if (count <= 0)
                    return;
                for (int i = 0; i < count; i++)
                {
                    if (escape && buffer[i] is (byte)'x' or (byte)'X')
                    {
                        Stop.Cancel();
                        return;
                    }
                    escape = buffer[i] == CtrlA && !escape;
                    if (!escape)
                        device.Write(buffer, i, 1);
                }
                device.Flush();
            }
        }
    }

    /// <summary>Raw 8N1 at the given speed, no flow control, no echo (stty, which every Linux has).</summary>
    private static void Configure(string devicePath, int baud)
    {
        if (!File.Exists(devicePath))
            throw new BuildFailure($"no serial device {devicePath}: plug in the USB serial adapter and look for it with `ls /dev/ttyUSB* /dev/ttyACM*`.");
        var type = ExternalProcess.TryRun("stat", ["--format=%F", devicePath]);
        if (type.Output.Trim() != "character special file")
            throw new BuildFailure($"{devicePath} is a {type.Output.Trim()}, not a serial device: give the adapter's tty, e.g. /dev/ttyUSB0.");
        var stty = ExternalProcess.TryRun("stty", ["-F", devicePath, baud.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "raw", "-echo", "-echoe", "-echok", "-echoctl", "-echoke", "-crtscts", "-ixon", "-ixoff", "cs8", "-cstopb", "-parenb", "clocal", "cread"]);
        if (stty.ExitCode != 0)
            throw new BuildFailure($"cannot set {devicePath} to {baud} 8N1: {stty.Error.Trim()} (is it a serial device, and may you open it? add yourself to the dialout group)");
    }
}
