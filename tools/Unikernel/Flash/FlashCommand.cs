using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Flash;

/// <summary>
/// `unikernel flash --device /dev/sdX [--board pine64-plus]`: writes the board's SD card image
/// (build/&lt;board&gt;/sdcard.img: the boot image at byte 8 KiB, the netboot program after it)
/// to a card, then reads it back. Refuses anything but an unused whole disk (FlashTarget).
/// </summary>
public static class FlashCommand
{
    private const int ChunkBytes = 1 << 20;

    public static Command Create(string root, Func<BoardFile, BuiltImage> build, Func<BoardFile, BuiltImage> existing, HostDisks? disks = null)
    {
        var device = new Option<string>("--device", "-d") { Description = "The SD card's whole-disk device, e.g. /dev/sdb or /dev/mmcblk0 (`lsblk -d` lists them)", Required = true };
        var board = new Option<string>("--board", "-b") { Description = "The board whose card image to write", DefaultValueFactory = _ => "pine64-plus" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before overwriting the device (needed when input is not a terminal)" };
        var noBuild = new Option<bool>("--no-build") { Description = "Write the image already in build/<board>/ without rebuilding" };
        var command = new Command("flash", "Write a board's SD card image to a card and read it back; refuses system, mounted and in-use disks")
        {
            device, board, yes, noBuild,
        };
        command.SetAction(result =>
        {
            try
            {
                var boardFile = BoardCatalog.Load(root, result.GetValue(board)!);
                if (boardFile.Format != ImageFormat.Egon)
                    throw new FlashRefusal($"{boardFile.Name} does not boot from an SD card: there is no card image to flash. Use --board pine64-plus or --board orangepi-pc.");
                var image = result.GetValue(noBuild) ? existing(boardFile) : build(boardFile);
                return Run(AnsiConsole.Console, image.SdCard!, result.GetValue(device)!, result.GetValue(yes), disks ?? HostDisks.Linux());
            }
            catch (Exception error) when (error is FlashRefusal or BuildFailure or BoardFileException or IOException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
                return 1;
            }
        });
        return command;
    }

    public static int Run(IAnsiConsole console, string imagePath, string devicePath, bool yes, HostDisks disks)
    {
        if (!File.Exists(imagePath))
            throw new FlashRefusal($"no card image at {imagePath}: run `./unikernel build` first, or drop --no-build");
        byte[] image = File.ReadAllBytes(imagePath);
        var target = FlashTarget.Check(devicePath, image.Length, disks);
        console.MarkupLine($"[grey]flash:[/] {Markup.Escape(imagePath)} ({image.Length} bytes) to {Markup.Escape(target.Description)}");
        if (!yes)
        {
            if (!console.Profile.Capabilities.Interactive)
                throw new FlashRefusal($"overwriting {devicePath} needs a yes: run on a terminal to be asked, or add --yes.");
            if (!console.Confirm($"Overwrite the start of {Markup.Escape(target.Description)}?", defaultValue: false))
            {
                console.MarkupLine("nothing written");
                return 1;
            }
        }

        // Opened exclusively after the question: nothing can mount the card between the checks and the write.
        using var disk = ExclusiveDisk.Open(devicePath);
        using var stream = new FileStream(disk, FileAccess.ReadWrite, bufferSize: 0);
        var watch = Stopwatch.StartNew();
        for (int offset = 0; offset < image.Length; offset += ChunkBytes)
            stream.Write(image, offset, Math.Min(ChunkBytes, image.Length - offset));
        stream.Flush(flushToDisk: true);
        double seconds = watch.Elapsed.TotalSeconds;

        // Read back what the card now holds, past the page cache the write filled: a card or a
        // reader that drops writes is caught here, not on the board.
        bool fromCard = ExclusiveDisk.DropCache(disk);
        var readBack = new byte[image.Length];
        stream.Position = 0;
        stream.ReadExactly(readBack);
        int mismatch = image.AsSpan().CommonPrefixLength(readBack);
        if (mismatch < image.Length)
            throw new FlashRefusal($"{devicePath} does not hold what was written: first difference at byte {mismatch}. The card or its reader may be failing; try another.");
        console.MarkupLine($"[green]flashed[/] {image.Length} bytes to {Markup.Escape(devicePath)} in {seconds:0.00} s, read back identical{(fromCard ? "" : " (from the page cache: the kernel would not drop it)")}. " +
            "Put the card in the board, connect UART0 and Ethernet (docs/pine64-plus.md) and power it on.");
        return 0;
    }
}
