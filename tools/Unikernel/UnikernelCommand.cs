using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool;

/// <summary>The `unikernel` command and its verbs, for the repository at <paramref name="root"/>.</summary>
public sealed class UnikernelCommand(string root)
{
    public static RootCommand Create(string root) => new UnikernelCommand(root).Create();

    private string BuildDirectory(string board) => Path.Combine(root, "build", board);

    private RootCommand Create()
    {
        var boardOption = new Option<string?>("--board", "-b") { Description = "Board name (hardware/boards/NAME.yaml); default: the project's <Board>, else all" };
        var projectOption = new Option<string?>("--project", "-p") { Description = "Image project to build instead of the bootloader: a directory holding a .csproj, or the .csproj (a kernel project, as `unikernel new` makes, becomes a kernel image)" };
        var outputOption = new Option<string?>("--output", "-o") { Description = "Output directory (default: build/<board>, and build/<board>/<project> for a kernel project)" };
        var keyOption = new Option<string?>("--key") { HelpName = "NAME.pub", Description = "Build a bootloader that takes only kernel images signed with this key's secret half (./unikernel keygen NAME, ./unikernel sign); overrides the board file's signing: public-key" };
        var build = new Command("build", "Build the bootloader image for one board or all (build/<board>/Bootloader.bin, sdcard.img, size report), or a project's image")
        {
            boardOption, projectOption, outputOption, keyOption,
        };
        build.SetAction(result => Guard(() =>
        {
            var project = result.GetValue(projectOption) is { } p ? ImageProject.Find(p) : null;
            string? only = result.GetValue(boardOption) ?? project?.Board;
            var names = only is null ? BoardCatalog.Names(root) : [only];
            string? output = result.GetValue(outputOption);
            if (output is not null && names.Count > 1)
                throw new BuildFailure("--output needs --board: each board gets its own directory");
            var boards = names.Select(name => BoardCatalog.Load(root, name)).ToList();
            byte[]? key = result.GetValue(keyOption) is { } keyPath ? Signing.KeyFile.ReadPublic(keyPath) : null;
            IReadOnlyList<string> properties = key is null ? [] : ["SigningPublicKey=" + Convert.ToHexStringLower(key)];
            if (project is null)
            {
                foreach (var summary in RegisterDocuments.Write(root))
                    AnsiConsole.MarkupLine($"[grey]registers[/] {summary.Name}: {summary.Instances} instances of {summary.Peripherals} peripherals, {summary.Registers} registers, {summary.Fields} fields");
            }
            foreach (var board in boards)
            {
                string? directory = output is null ? null : Path.GetFullPath(output);
                if (project is { IsKernel: true })
                    BuildKernel(board, project, directory);
                else
                    BuildBoard(board, project?.Path, directory, properties);
                if (project is null && (key is not null || board.SigningPublicKey is not null))
                {
                    string hex = key is not null ? Convert.ToHexStringLower(key) : board.SigningPublicKey!;
                    AnsiConsole.MarkupLine($"[grey]signing:[/] {board.Name} takes signed images only (key {hex[..8]}…, {(key is not null ? "--key" : "board file")})");
                }
            }
            return 0;
        }));

        var emulateBoard = new Option<string>("--board", "-b") { Description = "orangepi-pc or qemu-virt", DefaultValueFactory = _ => "orangepi-pc" };
        var timeoutOption = new Option<double?>("--timeout") { Description = "Stop QEMU after this many seconds" };
        var noBuild = new Option<bool>("--no-build") { Description = "Boot the image already in build/<board>/ without rebuilding" };
        var emulateTap = new Option<string?>("--tap") { Description = "Put the board's Ethernet on this TAP interface (created if missing; needs root), e.g. uk0" };
        var emulateKernel = new Option<string?>("--kernel") { Description = "Netboot this kernel (image or raw binary) once the board answers: boots on a TAP in a network namespace of its own, as demo does (needs root)" };
        var emulate = new Command("emulate", "Boot a board's image in QEMU with the console on this terminal (Ctrl-A X quits)") { emulateBoard, timeoutOption, noBuild, emulateTap, emulateKernel };
        emulate.SetAction(result => Guard(() =>
        {
            if (result.GetValue(emulateKernel) is { } kernel)
            {
                double? span = result.GetValue(timeoutOption);
                return Demo.DemoCommand.Run(root, result.GetValue(emulateBoard)!, TimeSpan.FromSeconds(60), Path.GetFullPath(kernel),
                    span is { } showSeconds ? TimeSpan.FromSeconds(showSeconds) : null, command: "emulate --kernel");
            }
            var board = BoardCatalog.Load(root, result.GetValue(emulateBoard)!);
            if (board.Emulator is null)
                throw new BuildFailure($"{board.Name} cannot be emulated: QEMU has no {board.Soc.ToUpperInvariant()} model. Use --board orangepi-pc or --board qemu-virt.");
            BuiltImage image = result.GetValue(noBuild) ? Existing(board) : BuildBoard(board);
            double? seconds = result.GetValue(timeoutOption);
            string[] network = result.GetValue(emulateTap) is { } tap ? Emulator.PrepareTap(board, tap) : [];
            return Emulator.Run(image, seconds is { } s ? TimeSpan.FromSeconds(s) : null, network);
        }));

        var testArguments = new Argument<string[]>("dotnet-test-arguments") { Description = "Passed on to dotnet test (e.g. --filter Name~Boot)", Arity = ArgumentArity.ZeroOrMore };
        var longRun = new Option<bool>("--long") { Description = "Also the long run: the reference Linux boots and U-Boot's (the bench's peers) and a fuzz of 2,000,000 frames (UNIKERNEL_LONG_TESTS=1, UNIKERNEL_FUZZ_FRAMES)" };
        var test = new Command("test", "Run every test (xunit: unit, image, QEMU); --long adds the long run") { longRun, testArguments };
        test.TreatUnmatchedTokensAsErrors = false;
        test.SetAction(result => Test.TestRun.Run(root, result.GetValue(longRun), [.. result.GetValue(testArguments) ?? [], .. result.UnmatchedTokens]));

        var registers = new Command("registers", "Check hardware/*.yaml and write the register reference (docs/registers) and SVD files (build/svd)");
        registers.SetAction(_ => Guard(() =>
        {
            foreach (var summary in RegisterDocuments.Write(root))
                Console.WriteLine($"{summary.Name}: {summary.Instances} instances of {summary.Peripherals} peripherals, {summary.Registers} registers, {summary.Fields} fields");
            return 0;
        }));

        var tapOption = new Option<string>("--tap") { Description = "TAP interface to create and serve (e.g. uk0)", Required = true };
        var macOption = new Option<string?>("--mac") { Description = "Our MAC address (default: a locally administered one derived from the TAP name)" };
        var ipv4Option = new Option<string?>("--ipv4") { Description = "A static IPv4 address with its prefix, e.g. 169.254.77.2/16, or dhcp" };
        var impairOption = new Option<string?>("--impair") { Description = "netem's impairments on received frames, in user space, e.g. 'loss 5%' or 'delay 10ms reorder 25% 50%' (for kernels without netem)" };
        var mtuOption = new Option<int>("--mtu") { Description = "The link MTU, 1280 to 1500 (default 1500): the MSS announced and the largest packet sent; give Linux's end of the TAP the same (ip link set uk0 mtu N)" };
        var resolveOption = new Option<string[]>("--resolve") { Description = "Look a name up (A and AAAA) once a DNS server is learnt, and print the addresses; may be repeated", AllowMultipleArgumentsPerToken = false };
        var noHashOption = new Option<bool>("--no-hash") { Description = "The upload service on port 1337 only counts bytes (no SHA-256), as the bench's lwIP sink does" };
        var sendOption = new Option<long?>("--send") { Description = "Also a source on TCP port 19 (RFC 864's port): each connection gets this many bytes, then our FIN (the bench's send direction)" };
        var noOffloadOption = new Option<bool>("--no-offload") { Description = "No TCP offloads on the TAP: one frame per read() and per write(), as lwIP's tapif (the bench's per-frame row)" };
        var hoststack = new Command("hoststack", "Run the network stack on a Linux TAP interface: SLAAC and DHCP addresses, ping and ping6, UDP echo on port 7 (Ctrl-C stops and prints the counters)")
        {
            tapOption, macOption, ipv4Option, impairOption, noHashOption, mtuOption, sendOption, resolveOption, noOffloadOption,
        };
        hoststack.SetAction(result =>
        {
            try
            {
                return HostStack.HostStackCommand.Run(new HostStack.HostStackOptions(result.GetValue(tapOption)!)
                {
                    Mac = result.GetValue(macOption),
                    Ipv4 = result.GetValue(ipv4Option),
                    Impairment = result.GetValue(impairOption),
                    HashUploads = !result.GetValue(noHashOption),
                    Mtu = result.GetValue(mtuOption),
                    SendBytes = result.GetValue(sendOption),
                    Resolve = result.GetValue(resolveOption) ?? [],
                    Offload = !result.GetValue(noOffloadOption),
                });
            }
            catch (Exception error) when (error is ArgumentException or IOException)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
                return 1;
            }
        });

        // `bench`: TCP throughput both ways of hoststack, lwIP 2.1.3 built from source and tuned
        // (bench/lwip-tuned/) and Linux over veth, against Linux's nc in network namespaces of
        // their own, beside the TAP read and write limits (bench/tap-limits/); median of --runs
        // transfers of --bytes, ratios to lwIP; the table is appended to
        // build/measurements/bench.txt. Needs root. (tools/Unikernel/Bench/)
        var bench = Bench.BenchCommand.Create(root);

        // `upload`: a kernel to the bootloader over TCP, wrapped in an image header if it is a raw
        // binary; prints the bootloader's reply (docs/image-format.md). (tools/Unikernel/Upload/)
        var upload = Upload.UploadCommand.Create();

        // `demo`: the main job (tools/Unikernel/Demo/).
        var demo = Demo.DemoCommand.Create(root);

        // `flash`: the board's SD card image onto a card, refusing system and mounted disks (tools/Unikernel/Flash/).
        var flash = Flash.FlashCommand.Create(root, board => BuildBoard(board), Existing);

        // `console DEVICE`: the board's UART through a USB serial adapter (tools/Unikernel/SerialConsole/).
        var serialConsole = SerialConsole.SerialConsoleCommand.Create();

        // `new NAME`: a kernel project from tools/Unikernel/New/Template (tools/Unikernel/New/).
        var newKernel = New.NewCommand.Create(root);

        // `run`: build a kernel project and boot it, in QEMU or on a board (tools/Unikernel/Run/).
        var run = Run.RunCommand.Create(root, (board, project) => BuildKernel(board, project));

        // `keygen NAME` and `sign --key NAME.key IMAGE`: Ed25519 keys and signed images for a board
        // built with `--key NAME.pub` (tools/Unikernel/Signing/).
        var keygen = Signing.KeygenCommand.Create();
        var sign = Signing.SignCommand.Create();

        var rootCommand = new RootCommand("unikernel: build, boot and test the C# network bootloader and unikernel kit")
        {
            bench, build, serialConsole, demo, emulate, flash, hoststack, keygen, newKernel, registers, run, sign, test, upload,
        };
        CommandExamples.Add(rootCommand, new Dictionary<Command, string[]>
        {
            [rootCommand] = ["./unikernel new MyKernel && sudo ./unikernel run --project MyKernel", "sudo ./unikernel demo"],
            [bench] = ["sudo ./unikernel bench --bytes 67108864 --runs 3", "sudo ./unikernel bench --netboot --runs 1", "sudo ./unikernel bench --idle"],
            [build] = ["./unikernel build", "./unikernel build --board qemu-virt", "./unikernel build --board orangepi-pc --key release.pub", "./unikernel build --project MyKernel", "./unikernel build --project tests/Images/FaultProbe/FaultProbe.csproj --board qemu-virt -o /tmp/probe"],
            [serialConsole] = ["./unikernel console /dev/ttyUSB0", "echo help | ./unikernel console /dev/ttyUSB0 --timeout 5"],
            [demo] = ["sudo ./unikernel demo", "sudo ./unikernel demo --board qemu-virt"],
            [emulate] = ["./unikernel emulate --timeout 10", "./unikernel emulate --board qemu-virt", "sudo ./unikernel emulate --kernel build/orangepi-pc/hello/Hello.img --timeout 5"],
            [flash] = ["sudo ./unikernel flash --device /dev/sdb --board pine64-plus"],
            [keygen] = ["./unikernel keygen release", "./unikernel keygen ~/keys/lab-boards"],
            [sign] = ["./unikernel sign --key release.key linux.img", "./unikernel sign --key release.key linux.img -o linux-signed.img"],
            [hoststack] = ["sudo ./unikernel hoststack --tap uk0", "sudo ./unikernel hoststack --tap uk0 --ipv4 169.254.77.2/16 --impair 'loss 5%'", "sudo ./unikernel hoststack --tap uk0 --ipv4 dhcp --resolve board.test"],
            [newKernel] = ["./unikernel new MyKernel", "./unikernel new MyKernel --board qemu-virt --output ~/kernels/my-kernel"],
            [registers] = ["./unikernel registers"],
            [run] = ["sudo ./unikernel run --project MyKernel", "sudo ./unikernel run --project MyKernel --board qemu-virt --timeout 30", "./unikernel run --project MyKernel --to fe80::2%eth0 --console /dev/ttyUSB0"],
            [test] = ["./unikernel test", "./unikernel test --long", "./unikernel test --filter FullyQualifiedName~NetbootEndToEnd"],
            [upload] = ["./unikernel upload build/orangepi-pc/hello/Hello.img --to fe80::2%eth0", "./unikernel upload kernel.bin --to 169.254.77.2 --load 0x42000000"],
        });
        return rootCommand;
    }

    private BuiltImage BuildBoard(BoardFile board, string? project = null, string? output = null, IReadOnlyList<string>? properties = null)
    {
        var watch = Stopwatch.StartNew();
        BuiltImage? built = null;
        BuiltImage? sample = null;
        AnsiConsole.Status().Start($"{board.Name}: building", context =>
        {
            var builder = new ImageBuilder(root, step => context.Status(Markup.Escape(step))) { Properties = properties ?? [] };
            string directory = output ?? BuildDirectory(board.Name);
            if (project is not null)
                built = builder.Build(board, directory, project);
            else
            {
                built = builder.BuildBootloader(board, directory);
                sample = builder.BuildSampleKernel(board, Path.Combine(directory, "hello"));
            }
        });
        AnsiConsole.MarkupLine($"[green]built[/] {Markup.Escape(built!.Binary)} in {watch.Elapsed.TotalSeconds:0.0} s");
        Console.Write(built.Size.ToString());
        if (built.SecondStage is { } second)
        {
            AnsiConsole.MarkupLine($"[green]built[/] {Markup.Escape(second.KernelImage)} (second stage, loaded from the SD card)");
            Console.Write(second.Size.ToString());
        }
        if (built.SdCard is { } sdCard)
            AnsiConsole.MarkupLine($"[green]built[/] {Markup.Escape(sdCard)}");
        if (sample is not null)
            AnsiConsole.MarkupLine($"[green]built[/] {Markup.Escape(sample.KernelImage)} (samples/Hello: upload it with `./unikernel upload`)");
        return built;
    }

    /// <summary>A kernel project as a kernel image for <paramref name="board"/>, in build/&lt;board&gt;/&lt;project&gt; unless <paramref name="output"/> says where.</summary>
    private BuiltImage BuildKernel(BoardFile board, ImageProject project, string? output = null)
    {
        var watch = Stopwatch.StartNew();
        BuiltImage? built = null;
        AnsiConsole.Status().Start($"{board.Name}: building {Path.GetFileName(project.Path)}", context =>
        {
            var builder = new ImageBuilder(root, step => context.Status(Markup.Escape(step)));
            built = builder.BuildKernelProject(board, output ?? Path.Combine(BuildDirectory(board.Name), project.OutputName), project.Path);
        });
        AnsiConsole.MarkupLine($"[green]built[/] {Markup.Escape(built!.KernelImage)} in {watch.Elapsed.TotalSeconds:0.0} s " +
            $"(a kernel image for {Markup.Escape(board.Name)}: {built.Size.ImageBytes} bytes at 0x{board.Kernel!.Load.Address:x})");
        return built;
    }

    private BuiltImage Existing(BoardFile board)
    {
        string directory = BuildDirectory(board.Name);
        const string name = "Bootloader";
        string elf = Path.Combine(directory, name + ".elf");
        string binary = Path.Combine(directory, name + ".bin");
        if (!File.Exists(elf) || !File.Exists(binary))
            throw new BuildFailure($"no image in {directory}: run `./unikernel build --board {board.Name}` first, or drop --no-build");
        return new BuiltImage(board, directory, name, SizeReport.From(board, name + ".bin", ElfFile.Read(elf), new FileInfo(binary).Length));
    }

    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (error is BuildFailure or BoardFileException or Signing.SigningFailure)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }
}
