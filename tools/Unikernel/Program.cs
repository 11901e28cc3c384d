using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Unikernel.Tool;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

string root = Repository.FindRoot();
// Piped output (tests, CI logs, grep) is not wrapped at 80 columns: a message stays on one line.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 4096;
string BuildDirectory(string board) => Path.Combine(root, "build", board);

var boardOption = new Option<string?>("--board", "-b") { Description = "Board name (hardware/boards/NAME.yaml); default: all" };
var projectOption = new Option<string?>("--project") { Description = "Image project to build instead of the bootloader (e.g. tests/Images/FaultProbe/FaultProbe.csproj)" };
var outputOption = new Option<string?>("--output", "-o") { Description = "Output directory (default: build/<board>)" };
var build = new Command("build", "Build the bootloader image for one board or all: build/<board>/Bootloader.bin, sdcard.img, size report")
{
    boardOption, projectOption, outputOption,
};
build.SetAction(result => Guard(() =>
{
    string? only = result.GetValue(boardOption);
    var names = only is null ? BoardCatalog.Names(root) : [only];
    string? project = result.GetValue(projectOption) is { } p ? Path.GetFullPath(p) : null;
    string? output = result.GetValue(outputOption);
    if (output is not null && names.Count > 1)
        throw new BuildFailure("--output needs --board: each board gets its own directory");
    var boards = names.Select(name => BoardCatalog.Load(root, name)).ToList();
    foreach (var summary in RegisterDocuments.Write(root))
        AnsiConsole.MarkupLine($"[grey]registers[/] {summary.Name}: {summary.Instances} instances of {summary.Peripherals} peripherals, {summary.Registers} registers, {summary.Fields} fields");
    foreach (var board in boards)
        BuildBoard(board, project, output is null ? null : Path.GetFullPath(output));
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
        return Unikernel.Tool.Demo.DemoCommand.Run(root, result.GetValue(emulateBoard)!, TimeSpan.FromSeconds(60), Path.GetFullPath(kernel), span is { } showSeconds ? TimeSpan.FromSeconds(showSeconds) : null);
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
var test = new Command("test", "Run every test (xunit: unit, image, QEMU)") { testArguments };
test.TreatUnmatchedTokensAsErrors = false;
test.SetAction(result =>
{
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
    foreach (string argument in new[] { "test", Path.Combine(root, "Unikernel.sln"), "-c", "Release", "--logger", "console;verbosity=normal" })
        start.ArgumentList.Add(argument);
    foreach (string argument in result.GetValue(testArguments) ?? [])
        start.ArgumentList.Add(argument);
    foreach (string argument in result.UnmatchedTokens)
        start.ArgumentList.Add(argument);
    using var process = Process.Start(start)!;
    process.WaitForExit();
    return process.ExitCode;
});

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
var noHashOption = new Option<bool>("--no-hash") { Description = "The upload service on port 1337 only counts bytes (no SHA-256), as the bench's lwIP sink does" };
var hoststack = new Command("hoststack", "Run the network stack on a Linux TAP interface: SLAAC and DHCP addresses, ping and ping6, UDP echo on port 7 (Ctrl-C stops and prints the counters)")
{
    tapOption, macOption, ipv4Option, impairOption, noHashOption,
};
hoststack.SetAction(result =>
{
    try
    {
        return Unikernel.Tool.HostStack.HostStackCommand.Run(result.GetValue(tapOption)!, result.GetValue(macOption), result.GetValue(ipv4Option), result.GetValue(impairOption), !result.GetValue(noHashOption));
    }
    catch (Exception error) when (error is ArgumentException or IOException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
        return 1;
    }
});

// `bench`: TCP receive throughput of hoststack, lwIP (Debian's liblwip-dev behind a TAP, the
// harness in bench/lwip-sink/) and Linux over veth, each fed the same stream by Linux's nc in
// network namespaces of its own; median of --runs transfers of --bytes, ratios to lwIP; the
// table is appended to build/measurements/bench.txt. Needs root. (tools/Unikernel/Bench/)
var bench = Unikernel.Tool.Bench.BenchCommand.Create(root);

// `upload`: a kernel to the bootloader over TCP, wrapped in an image header if it is a raw
// binary; prints the bootloader's reply (docs/image-format.md). (tools/Unikernel/Upload/)
var upload = Unikernel.Tool.Upload.UploadCommand.Create();

// `demo`: the main job (tools/Unikernel/Demo/).
var demo = Unikernel.Tool.Demo.DemoCommand.Create(root);

// `flash`: the board's SD card image onto a card, refusing system and mounted disks (tools/Unikernel/Flash/).
var flash = Unikernel.Tool.Flash.FlashCommand.Create(root, board => BuildBoard(board), Existing);

// `console DEVICE`: the board's UART through a USB serial adapter (tools/Unikernel/SerialConsole/).
var serialConsole = Unikernel.Tool.SerialConsole.SerialConsoleCommand.Create();

var rootCommand = new RootCommand("unikernel: build, boot and test the C# network bootloader and unikernel kit") { bench, build, serialConsole, demo, emulate, flash, hoststack, registers, test, upload };
return rootCommand.Parse(args).Invoke();

BuiltImage BuildBoard(BoardFile board, string? project = null, string? output = null)
{
    var watch = Stopwatch.StartNew();
    BuiltImage? built = null;
    BuiltImage? sample = null;
    AnsiConsole.Status().Start($"{board.Name}: building", context =>
    {
        var builder = new ImageBuilder(root, step => context.Status(Markup.Escape(step)));
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

BuiltImage Existing(BoardFile board)
{
    string directory = BuildDirectory(board.Name);
    const string name = "Bootloader";
    string elf = Path.Combine(directory, name + ".elf");
    string binary = Path.Combine(directory, name + ".bin");
    if (!File.Exists(elf) || !File.Exists(binary))
        throw new BuildFailure($"no image in {directory}: run `./unikernel build --board {board.Name}` first, or drop --no-build");
    return new BuiltImage(board, directory, name, SizeReport.From(board, name + ".bin", ElfFile.Read(elf), new FileInfo(binary).Length));
}

static int Guard(Func<int> action)
{
    try
    {
        return action();
    }
    catch (Exception error) when (error is BuildFailure or BoardFileException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
        return 1;
    }
}
