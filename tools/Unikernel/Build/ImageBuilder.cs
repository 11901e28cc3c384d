using System.Text.Json;
using Unikernel.Registers;
using Unikernel.Registers.Boards;

namespace Unikernel.Tool.Build;

/// <summary>What a build produced for one board.</summary>
/// <param name="SecondStage">On boards with a second stage: the netboot program the first stage (this image) loads from the SD card.</param>
public sealed record BuiltImage(BoardFile Board, string Directory, string Name, SizeReport Size, BuiltImage? SecondStage = null)
{
    public string Binary => Path.Combine(Directory, Name + ".bin");
    public string Elf => Path.Combine(Directory, Name + ".elf");
    public string? SdCard => Board.Format == ImageFormat.Egon ? Path.Combine(Directory, "sdcard.img") : null;

    /// <summary>The binary wrapped in a kernel image header (docs/image-format.md), for programs other than a first stage.</summary>
    public string KernelImage => Path.Combine(Directory, Name + ".img");
}

/// <summary>
/// C# to a bootable image for one board: compile the project's IL against our corelib
/// (dotnet build), ilc to an object for the board's CPU, clang for the entry code, ld.lld with
/// a linker script made from the board file, llvm-objcopy to a flat binary, then the boot ROM's
/// header and an SD card image where the board boots from one. Writes a size report and fails
/// when the image does not fit what the loader takes.
/// </summary>
public sealed class ImageBuilder(string repositoryRoot, Action<string>? progress = null)
{
    public string RepositoryRoot { get; } = repositoryRoot;

    /// <summary>MSBuild properties (NAME=VALUE) for every program built, e.g. NetbootLoop=polling (src/Boot/Boot.csproj).</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>
    /// Where the entry code's release table (qemu-virt's pen, orangepi-pc's park) lies, from the
    /// base of the memory kernels load into: the last 4 KiB of its first MiB. On qemu-virt QEMU
    /// loads the DTB there (a few KiB at the start) and the bootloader's RAM starts at 1 MiB; on
    /// orangepi-pc it is the end of the second stage's 1 MiB load window, which the netboot
    /// program (about 110 KiB) is far from filling. Neither the bootloader nor a kernel writes it.
    /// </summary>
    public const ulong ReleaseTableOffset = 0xFF000;

    /// <summary>What a parked core writes into its slot of the park table: "PARK". A kernel finds a core to release by it.</summary>
    public const uint ParkMark = 0x5041524B;

    /// <summary>The release table's address on <paramref name="board"/>: the same for every program of the board, whatever its layout.</summary>
    private static ulong ReleaseTable(BoardFile board) =>
        (board.Kernel?.Load.Region.Base ?? board.Ram.Region.Base) + ReleaseTableOffset;

    public string EntryDirectory => Path.Combine(RepositoryRoot, "src", "Platform", "Entry");

    public string BootloaderProject => Path.Combine(RepositoryRoot, "src", "Boot", "Boot.csproj");

    public string LoaderProject => Path.Combine(RepositoryRoot, "src", "Loader", "Loader.csproj");

    /// <summary>
    /// The bootloader of <paramref name="board"/>: one image, or, where the board has a second
    /// stage, the first stage (src/Loader, what the boot ROM loads) and the netboot program
    /// (src/Boot, linked into DRAM, built into second-stage/), both on one SD card image: the second as a kernel image at
    /// the board's card offset, so the first stage checks its SHA-256 before running it.
    /// </summary>
    /// <param name="program">The program in place of the netboot one (a test probe that needs more room than the boot ROM loads).</param>
    public BuiltImage BuildBootloader(BoardFile board, string outputDirectory, string? program = null)
    {
        program ??= BootloaderProject;
        if (board.SecondStage is not { } stage)
            return Build(board, outputDirectory, program);
        // Whatever the boot ROM loads is Bootloader.bin on every board (DESIGN.md's CLI contract);
        // the netboot program beside it is second-stage/Netboot.img.
        var second = BuildKernel(board.WithLayout(stage.Layout), Path.Combine(outputDirectory, "second-stage"), program,
            program == BootloaderProject ? "Netboot" : null);
        var first = Build(board, outputDirectory, LoaderProject, "Bootloader");
        SdCardImage.Write(first.SdCard!, File.ReadAllBytes(first.Binary), (stage.CardOffset, File.ReadAllBytes(second.KernelImage)));
        return first with { SecondStage = second };
    }

    /// <summary>
    /// A program that something else loads (a kernel, a second stage): built where
    /// <paramref name="board"/> links it, and also wrapped in a kernel image header whose entry
    /// point is its first byte (the entry code's <c>_start</c>).
    /// </summary>
    public BuiltImage BuildKernel(BoardFile board, string outputDirectory, string project, string? outputName = null)
    {
        if (board.Format != ImageFormat.Raw)
            throw new BuildFailure($"{board.Name}: a loaded program is a flat binary; build it with the board's kernel or second-stage layout");
        var built = Build(board, outputDirectory, project, outputName);
        byte[] payload = File.ReadAllBytes(built.Binary);
        var header = new byte[Unikernel.Boot.Image.KernelImage.FixedHeaderLength];
        Unikernel.Boot.Image.KernelImage.Emit(header, board.Load.Address, board.Load.Address, payload);
        File.WriteAllBytes(built.KernelImage, [.. header, .. payload]);
        return built;
    }

    /// <summary>
    /// A sample kernel (samples/<paramref name="sample"/>/<paramref name="sample"/>.csproj, by default
    /// samples/Hello) where the board's kernel layout puts it, or null if the board has none.
    /// </summary>
    public BuiltImage? BuildSampleKernel(BoardFile board, string outputDirectory, string sample = "Hello") =>
        board.Kernel is null ? null : BuildKernelProject(board, outputDirectory, Path.Combine(RepositoryRoot, "samples", sample, sample + ".csproj"));

    /// <summary>A kernel project (`unikernel new` makes them) where the board's kernel layout puts it, as a kernel image.</summary>
    public BuiltImage BuildKernelProject(BoardFile board, string outputDirectory, string project) =>
        board.Kernel is { } layout
            ? BuildKernel(board.WithLayout(layout), outputDirectory, project)
            : throw new BuildFailure($"{board.Name} has no kernel layout (kernel: in {board.Path}): nothing says where its kernels load");

    /// <summary>Builds <paramref name="project"/> (default: the bootloader) into <paramref name="outputDirectory"/>.</summary>
    /// <param name="outputName">The name of the .bin, .elf and .map written (default: the project's assembly name).</param>
    public BuiltImage Build(BoardFile board, string outputDirectory, string? project = null, string? outputName = null)
    {
        project ??= BootloaderProject;
        string objects = Path.Combine(outputDirectory, "obj");
        Directory.CreateDirectory(objects);

        Report(board, "compiling C# to IL");
        var (assembly, assemblyName, ilc, folding) = CompileIl(project, board, Properties);
        string name = outputName ?? assemblyName;

        Report(board, $"ilc: IL to {board.Arch} machine code");
        string programObject = Path.Combine(objects, assemblyName + ".o");
        ExternalProcess.Run("ilc", ilc,
        [
            assembly, "-o", programObject, $"--systemmodule:{assemblyName}", "--targetos:linux", $"--targetarch:{board.Arch}",
            "--Os", "--scan", "--preinitstatics", "--nativelib", "--reflectiondata:none", $"--methodbodyfolding:{folding}", $"--map:{Path.Combine(objects, assemblyName + ".ilc.map")}",
        ]);

        Report(board, "assembling the entry code");
        string entryObject = AssembleEntry(board, objects);

        Report(board, "linking");
        string script = Path.Combine(objects, "link.ld");
        File.WriteAllText(script, LinkerScript.For(board));
        string elf = Path.Combine(outputDirectory, name + ".elf");
        var link = ExternalProcess.TryRun("ld.lld",
        [
            // --gc-sections: the entry code's CPU helpers (MMU, caches, timer) each sit in a section
            // of their own and are linked only into images that call them.
            "-T", script, "--build-id=sha1", "--gc-sections", "-Map", Path.Combine(outputDirectory, name + ".map"),
            "-o", elf, entryObject, programObject,
        ]);
        if (link.ExitCode != 0)
        {
            // The linker is the first to see an image larger than the loader takes.
            var overflow = System.Text.RegularExpressions.Regex.Match(link.Error, @"will not fit in region 'image': overflowed by (\d+) bytes");
            if (overflow.Success)
            {
                WriteOverflowReport(Path.Combine(outputDirectory, "size-report.txt"), entryObject, programObject);
                throw TooLarge(board, name, (long)board.LoadLimit + long.Parse(overflow.Groups[1].Value), outputDirectory);
            }
            throw new BuildFailure($"linking failed (ld.lld exited with {link.ExitCode}):\n{(link.Output + link.Error).Trim()}");
        }
        string flat = Path.Combine(objects, assemblyName + ".flat.bin");
        ExternalProcess.Run("extracting the binary", "llvm-objcopy", ["-O", "binary", elf, flat]);

        byte[] image = File.ReadAllBytes(flat);
        if (board.Format == ImageFormat.Egon)
            image = EgonImage.Seal(image);
        var report = SizeReport.From(board, name + ".bin", ElfFile.Read(elf), image.Length);
        File.WriteAllText(Path.Combine(outputDirectory, "size-report.txt"), report.ToString());
        if (!report.Fits)
            throw TooLarge(board, name, image.Length, outputDirectory);
        string binary = Path.Combine(outputDirectory, name + ".bin");
        File.WriteAllBytes(binary, image);
        var built = new BuiltImage(board, outputDirectory, name, report);
        if (built.SdCard is { } sdCard)
            SdCardImage.Write(sdCard, image);
        return built;
    }

    /// <summary>
    /// When the image does not link, there is no ELF to report on: the report gives the section
    /// sizes of the objects and their 40 largest symbols instead, which is what one needs to trim.
    /// </summary>
    private static void WriteOverflowReport(string path, string entryObject, string programObject)
    {
        var sizes = ExternalProcess.TryRun("llvm-size", ["-A", entryObject, programObject]);
        var symbols = ExternalProcess.TryRun("llvm-nm", ["--size-sort", "--reverse-sort", "-S", "--radix=d", programObject]);
        var largest = symbols.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(40);
        File.WriteAllText(path,
            "The image did not link: it is larger than the region the loader takes.\n\n" +
            "Section sizes of the objects:\n" + sizes.Output.Trim() + "\n\n" +
            "Largest symbols (address, size in bytes, type, name):\n" + string.Join('\n', largest) + "\n");
    }

    private static BuildFailure TooLarge(BoardFile board, string assemblyName, long bytes, string outputDirectory)
    {
        string limitSource = board.Format == ImageFormat.Egon ? "the boot ROM loads at most" : $"the {board.Load.Region.Name} region holds";
        return new BuildFailure(
            $"{board.Name}: {assemblyName}.bin is {bytes} bytes but {limitSource} {board.LoadLimit} bytes " +
            $"({board.Load.Region.Name} limit in {board.Path}); {bytes - (long)board.LoadLimit} bytes too many. " +
            $"Make the first stage smaller; section sizes and the largest symbols are in {Path.Combine(outputDirectory, "size-report.txt")}.");
    }

    private void Report(BoardFile board, string step) => progress?.Invoke($"{board.Name}: {step}");

    private static (string Assembly, string AssemblyName, string Ilc, string Folding) CompileIl(string project, BoardFile board, IReadOnlyList<string> msbuildProperties)
    {
        var result = ExternalProcess.TryRun("dotnet",
        [
            "build", project, "-c", "Release", $"-p:Board={board.Name}", .. msbuildProperties.Select(property => "-p:" + property), "-nologo", "-t:Build",
            "-getProperty:TargetPath", "-getProperty:AssemblyName", "-getProperty:IlcPath", "-getProperty:IlcMethodBodyFolding",
        ]);
        int json = result.Output.IndexOf("{\n", StringComparison.Ordinal) is var at and >= 0 ? at : result.Output.LastIndexOf('{');
        if (result.ExitCode != 0 || json < 0)
            throw new BuildFailure($"compiling {Path.GetFileName(project)} for {board.Name} failed:\n{(result.Output + result.Error).Trim()}");
        using var document = JsonDocument.Parse(result.Output[json..]);
        var properties = document.RootElement.GetProperty("Properties");
        string assembly = properties.GetProperty("TargetPath").GetString()!;
        string ilc = properties.GetProperty("IlcPath").GetString()!;
        if (!File.Exists(ilc))
            throw new BuildFailure($"ilc was not found at {ilc}: the restore of the ILCompiler package did not complete. Run `dotnet restore {project}` and look at its errors.");
        return (assembly, properties.GetProperty("AssemblyName").GetString()!, ilc, properties.GetProperty("IlcMethodBodyFolding").GetString()!);
    }

    private string AssembleEntry(BoardFile board, string objects)
    {
        string entrySource = Path.Combine(EntryDirectory, board.Entry + ".S");
        if (!File.Exists(entrySource))
            throw new BuildFailure($"{board.Path}: image.entry '{board.Entry}' has no source file {entrySource}");
        var arguments = new List<string> { $"--target={board.ClangTarget}", "-I", EntryDirectory, "-c", entrySource, "-o", Path.Combine(objects, "entry.o") };
        if (board.Arch == "arm")
            arguments.AddRange(["-mcpu=cortex-a7", "-mfpu=neon-vfpv4"]);
        // Each secondary core gets a stack the size of the board's (the entry code's core_stacks).
        arguments.Add($"-DCORE_STACK_SIZE=0x{board.StackSize:x}");
        if (board.Emulator?.Boot == EmulatorBoot.Bios)
        {
            // Started with -bios, every core runs from the reset vector (refs/qemu-h3.md 7): the
            // entry code parks cores 1-3 in a pen that the GIC wakes.
            arguments.Add($"-DPEN_GICD=0x{PeripheralBase(board, "GIC_DIST"):x}");
            arguments.Add($"-DPEN_GICC=0x{PeripheralBase(board, "GIC_CPU"):x}");
            // The pen's release table: one address for the bootloader and every kernel of the board.
            arguments.Add($"-DPEN_RELEASE=0x{ReleaseTable(board):x}");
        }
        else if (board.Arch == "arm" && board.Kernel is not null)
        {
            // A core whose entry returns parks where a kernel can start it again (armv7.S secondary_park).
            arguments.Add($"-DPARK_GICD=0x{PeripheralBase(board, "GIC_DIST"):x}");
            arguments.Add($"-DPARK_GICC=0x{PeripheralBase(board, "GIC_CPU"):x}");
            arguments.Add($"-DPARK_RELEASE=0x{ReleaseTable(board):x}");
            arguments.Add($"-DPARK_MARK=0x{ParkMark:x}");
        }
        if (board.Kernel is not null && board.Arch is "arm" or "arm64")
        {
            // The secure monitor a Linux boot leaves behind (monitor-armv7.inc, monitor-aarch64.inc)
            // parks cores and hands interrupts over through the GIC.
            arguments.Add($"-DMONITOR_GICD=0x{PeripheralBase(board, "GIC_DIST"):x}");
            arguments.Add($"-DMONITOR_GICC=0x{PeripheralBase(board, "GIC_CPU"):x}");
        }
        if (board.Aarch32Switch is { } aarch32)
        {
            string stub = AssembleAarch32Stub(board, aarch32, objects);
            arguments.AddRange([$"-DAARCH32_STUB=\"{stub}\"", $"-DAARCH32_STUB_SIZE=0x{aarch32.StubSize:x}"]);
        }
        ExternalProcess.Run("assembling " + Path.GetFileName(entrySource), "clang", arguments);
        return Path.Combine(objects, "entry.o");
    }

    /// <summary>The base of the first instance of <paramref name="peripheral"/> in the board's SoC file (hardware/SOC.yaml).</summary>
    private ulong PeripheralBase(BoardFile board, string peripheral)
    {
        string path = Path.Combine(RepositoryRoot, "hardware", board.Soc + ".yaml");
        var soc = File.Exists(path) ? YamlMapReader.Read(path, File.ReadAllText(path)).Soc : null;
        var found = soc?.Peripherals.FirstOrDefault(p => p.Name == peripheral);
        if (found is null || found.Instances.Count == 0)
            throw new BuildFailure($"{board.Path}: the entry code needs the GIC (a pen, a park or the secure monitor), but {path} has no {peripheral}");
        return found.Instances[0].Base;
    }

    /// <summary>The A64's AArch32 start: a few A32 instructions, assembled on their own and included as bytes.</summary>
    private string AssembleAarch32Stub(BoardFile board, Aarch32Switch aarch32, string objects)
    {
        string source = Path.Combine(EntryDirectory, "a64-aarch32-stub.S");
        string stubObject = Path.Combine(objects, "aarch32-stub.o");
        string stubBinary = Path.Combine(objects, "aarch32-stub.bin");
        ExternalProcess.Run("assembling the AArch32 stub", "clang",
        [
            "--target=armv7a-none-eabi", "-I", EntryDirectory, "-c", source, "-o", stubObject,
            $"-DRVBAR_ADDRESS=0x{aarch32.RvbarAddress:x}", $"-DAARCH64_ENTRY=0x{board.Load.Address + aarch32.StubSize:x}",
        ]);
        ExternalProcess.Run("extracting the AArch32 stub", "llvm-objcopy", ["-O", "binary", "-j", ".text", stubObject, stubBinary]);
        long size = new FileInfo(stubBinary).Length;
        if ((ulong)size > aarch32.StubSize)
            throw new BuildFailure($"the AArch32 stub is {size} bytes but {board.Path} reserves stub-size 0x{aarch32.StubSize:x}; raise stub-size");
        return stubBinary;
    }
}
