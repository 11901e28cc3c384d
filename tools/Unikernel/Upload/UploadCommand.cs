using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Unikernel.Boot.Image;
using Unikernel.Netboot;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;

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
        var file = new Argument<string?>("FILE") { Description = "A kernel image (starts with UKIMAGE), or a raw binary to wrap in a header for --load and --entry", Arity = ArgumentArity.ZeroOrOne };
        var to = new Option<string?>("--to") { Description = "The bootloader's address: IPv4, or IPv6 with %IF for a link-local one (fe80::...%eth0); required unless -o alone" };
        var port = new Option<int>("--port") { Description = "The bootloader's TCP port", DefaultValueFactory = _ => UploadTarget.DefaultPort };
        var load = new Option<string?>("--load") { Description = "Raw binaries: where the bootloader puts the first byte (0x... or decimal; no default: the board files name no kernel address)" };
        var entry = new Option<string?>("--entry") { Description = "Raw binaries: where the bootloader jumps (default: the load address)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection, for each send, and for the reply", DefaultValueFactory = _ => DefaultTimeoutSeconds };
        var linux = new Option<string?>("--linux") { HelpName = "KERNEL", Description = "A Linux kernel (a 32-bit zImage or an arm64 Image, told apart by its header) sent as a version 2 image with its parts placed from the board file's linux: section" };
        var dtb = new Option<string?>("--dtb") { HelpName = "FILE", Description = "--linux: the device tree (required)" };
        var initrd = new Option<string?>("--initrd") { HelpName = "FILE", Description = "--linux: an initial RAM disk" };
        var append = new Option<string?>("--append") { HelpName = "ARGS", Description = "--linux: the kernel's command line (at most 2048 bytes)" };
        var board = new Option<string>("--board", "-b") { HelpName = "BOARD", Description = "--linux: the board whose placements to use (hardware/boards/NAME.yaml)", DefaultValueFactory = _ => "orangepi-pc" };
        var output = new Option<string?>("--output", "-o") { HelpName = "FILE", Description = "Write the image (header and payload) to FILE; without --to nothing is sent" };
        var command = new Command("upload", "Send a kernel to the bootloader over TCP and print its reply; exit 0 if it took it")
        {
            file, to, port, load, entry, timeout, linux, dtb, initrd, append, board, output,
        };
        command.SetAction(result => Run(console ?? AnsiConsole.Console, new UploadRequest(
            result.GetValue(file), result.GetValue(to), result.GetValue(port),
            result.GetValue(load), result.GetValue(entry), result.GetValue(timeout),
            result.GetValue(linux), result.GetValue(dtb), result.GetValue(initrd), result.GetValue(append),
            result.GetValue(board)!, result.GetValue(output))));
        return command;
    }

    /// <summary>What `upload` was asked, as parsed.</summary>
    public sealed record UploadRequest(string? Path, string? To, int Port, string? Load, string? Entry, double TimeoutSeconds,
        string? Linux = null, string? DeviceTree = null, string? Initrd = null, string? Append = null, string Board = "orangepi-pc", string? Output = null);

    public static int Run(IAnsiConsole console, string path, string to, int port, string? load, string? entry, double timeoutSeconds) =>
        Run(console, new UploadRequest(path, to, port, load, entry, timeoutSeconds));

    public static int Run(IAnsiConsole console, UploadRequest request)
    {
        try
        {
            if (!(request.TimeoutSeconds > 0))
                throw new UploadFailure("--timeout must be positive");
            if (request.To is null && request.Output is null)
                throw new UploadFailure("give --to ADDR (where to send), -o FILE (where to write), or both");
            var image = Image(console, request);
            if (request.Output is not null)
            {
                WriteFile(request.Output, image.Bytes());
                console.MarkupLine($"[grey]upload:[/] wrote {image.Length} bytes to {Markup.Escape(request.Output)}");
                if (request.To is null)
                    return 0;
            }
            var target = UploadTarget.Parse(request.To!, request.Port);
            double timeoutSeconds = request.TimeoutSeconds;

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

    /// <summary>The image to send: a version 2 Linux image for --linux, else FILE as it is or wrapped; its summary printed.</summary>
    private static UploadImage Image(IAnsiConsole console, UploadRequest request)
    {
        if (request.Linux is not null)
        {
            if (request.Path is not null || request.Load is not null || request.Entry is not null)
                throw new UploadFailure("--linux KERNEL takes the kernel itself: drop FILE, --load and --entry (the board file places the parts)");
            var board = LoadBoard(request.Board);
            var linux = LinuxImage.Build(board, request.Linux, request.DeviceTree, request.Initrd, request.Append);
            console.MarkupLine($"[grey]upload:[/] {Markup.Escape(request.Linux)}: {(linux.Protocol == BootProtocol.LinuxZImage ? "Linux zImage" : "Linux arm64 Image")} " +
                $"for {Markup.Escape(board.Name)}, entry {AddressArgument.Format(linux.EntryPoint)}");
            DescribeParts(console, linux);
            return linux;
        }
        if (request.DeviceTree is not null || request.Initrd is not null || request.Append is not null)
            throw new UploadFailure("--dtb, --initrd and --append go with --linux KERNEL");
        if (request.Path is null)
            throw new UploadFailure("give FILE (a kernel image or a raw binary) or --linux KERNEL");
        var image = UploadImage.FromFile(request.Path,
            request.Load is null ? null : AddressArgument.Parse("--load", request.Load),
            request.Entry is null ? null : AddressArgument.Parse("--entry", request.Entry));
        if (image.Parts is not null)
        {
            console.MarkupLine($"[grey]upload:[/] {Markup.Escape(request.Path)}: kernel image version 2, protocol {(int)image.Protocol}, entry {AddressArgument.Format(image.EntryPoint)}");
            DescribeParts(console, image);
            return image;
        }
        console.MarkupLine($"[grey]upload:[/] {Markup.Escape(request.Path)}: {(image.Wrapped ? "raw binary, wrapped in a header" : "kernel image")}: " +
            $"{image.Payload.Length} bytes at {AddressArgument.Format(image.LoadAddress)}, entry {AddressArgument.Format(image.EntryPoint)}, sha256 {image.Sha256}");
        return image;
    }

    private static void DescribeParts(IAnsiConsole console, UploadImage image)
    {
        foreach (var part in image.Parts!)
        {
            string word = System.Text.Encoding.UTF8.GetString(ReplyLine.PartWord(part.Kind));
            console.MarkupLine(part.Kind == PartKind.CommandLine
                ? $"[grey]upload:[/]   {word} {part.Bytes.Length} bytes: {Markup.Escape(System.Text.Encoding.UTF8.GetString(part.Bytes))}"
                : $"[grey]upload:[/]   {word} {part.Bytes.Length} bytes at {AddressArgument.Format(part.Load)}, room 0x{part.Room:x}");
        }
    }

    private static BoardFile LoadBoard(string name)
    {
        try
        {
            return BoardCatalog.Load(Repository.FindRoot(), name);
        }
        catch (BoardFileException error)
        {
            throw new UploadFailure(error.Message);
        }
        catch (InvalidOperationException error)
        {
            throw new UploadFailure(error.Message);
        }
    }

    private static void WriteFile(string path, byte[] bytes)
    {
        try
        {
            File.WriteAllBytes(path, bytes);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UploadFailure($"cannot write {path}: {error.Message}");
        }
    }
}
