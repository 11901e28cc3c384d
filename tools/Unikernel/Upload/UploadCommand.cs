using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace Unikernel.Tool.Upload;

/// <summary>
/// `unikernel upload FILE --to ADDR[%IF]`: sends a kernel to the bootloader over TCP
/// (docs/image-format.md): the file as it is if it is a kernel image, else wrapped in a header
/// for --load and --entry; prints the bootloader's reply; exits 0 if it said ok.
/// </summary>
public static class UploadCommand
{
    public const double DefaultTimeoutSeconds = 10;

    public static Command Create(IAnsiConsole? console = null)
    {
        var file = new Argument<string>("FILE") { Description = "A kernel image (starts with UKIMAGE), or a raw binary to wrap in a header for --load and --entry" };
        var to = new Option<string>("--to") { Description = "The bootloader's address: IPv4, or IPv6 with %IF for a link-local one (fe80::...%eth0)", Required = true };
        var port = new Option<int>("--port") { Description = "The bootloader's TCP port", DefaultValueFactory = _ => UploadTarget.DefaultPort };
        var load = new Option<string?>("--load") { Description = "Raw binaries: where the bootloader puts the first byte (0x... or decimal; no default: the board files name no kernel address)" };
        var entry = new Option<string?>("--entry") { Description = "Raw binaries: where the bootloader jumps (default: the load address)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection, for each send, and for the reply", DefaultValueFactory = _ => DefaultTimeoutSeconds };
        var command = new Command("upload", "Send a kernel to the bootloader over TCP and print its reply; exit 0 if it took it")
        {
            file, to, port, load, entry, timeout,
        };
        command.SetAction(result => Run(console ?? AnsiConsole.Console,
            result.GetValue(file)!, result.GetValue(to)!, result.GetValue(port),
            result.GetValue(load), result.GetValue(entry), result.GetValue(timeout)));
        return command;
    }

    public static int Run(IAnsiConsole console, string path, string to, int port, string? load, string? entry, double timeoutSeconds)
    {
        try
        {
            if (!(timeoutSeconds > 0))
                throw new UploadFailure("--timeout must be positive");
            var target = UploadTarget.Parse(to, port);
            var image = UploadImage.FromFile(path,
                load is null ? null : AddressArgument.Parse("--load", load),
                entry is null ? null : AddressArgument.Parse("--entry", entry));
            console.MarkupLine($"[grey]upload:[/] {Markup.Escape(path)}: {(image.Wrapped ? "raw binary, wrapped in a header" : "kernel image")}: " +
                $"{image.Payload.Length} bytes at {AddressArgument.Format(image.LoadAddress)}, entry {AddressArgument.Format(image.EntryPoint)}, sha256 {image.Sha256}");

            var client = new UploadClient(TimeSpan.FromSeconds(timeoutSeconds));
            var watch = Stopwatch.StartNew();
            BootloaderReply? reply = null;
            if (console.Profile.Capabilities.Interactive)
            {
                console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .Start(context =>
                    {
                        var task = context.AddTask(Markup.Escape($"to {target}"), maxValue: image.Length);
                        reply = client.Send(target, image, sent => task.Value = sent);
                        task.Value = image.Length;
                    });
            }
            else
            {
                reply = client.Send(target, image);
            }
            console.MarkupLine($"[grey]upload:[/] sent {image.Length} bytes to {Markup.Escape(target.ToString())} in {watch.Elapsed.TotalSeconds:0.00} s");

            foreach (string line in reply!.Lines)
                console.MarkupLine($"[grey]bootloader:[/] {Markup.Escape(line)}");
            if (!reply.IsOk)
            {
                if (reply.Lines.Count == 0)
                    throw new UploadFailure("the bootloader closed the connection without a reply");
                throw new UploadFailure(reply.Verdict.StartsWith("error:", StringComparison.Ordinal)
                    ? "the bootloader refused the image"
                    : "the reply is not the bootloader's: its first line is neither 'ok ...' nor 'error: ...' (is something else listening on that port?)");
            }
            if (reply.Mismatch(image) is { } mismatch)
                throw new UploadFailure(mismatch);
            return 0;
        }
        catch (UploadFailure error)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }
}
