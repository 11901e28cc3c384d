using Unikernel.Tool;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// Builds, once per test run, the bootloader for every board and the fault and runtime probes
/// for the two emulated boards, into a temporary directory. Image tests share it through the "Images"
/// collection, which also keeps them from building the same projects at the same time.
/// </summary>
public sealed class ImageFixture : IDisposable
{
    public ImageFixture()
    {
        Root = Repository.FindRoot();
        Output = Directory.CreateTempSubdirectory("unikernel-images-").FullName;
        var builder = new ImageBuilder(Root);
        foreach (string board in new[] { "orangepi-pc", "qemu-virt", "pine64-plus" })
            Bootloaders[board] = builder.BuildBootloader(Board(board), Path.Combine(Output, board, "bootloader"));
        SampleKernels["orangepi-pc"] = builder.BuildSampleKernel(Board("orangepi-pc"), Path.Combine(Output, "orangepi-pc", "hello"))!;
        foreach (string board in new[] { "orangepi-pc", "qemu-virt" })
        {
            FaultProbes[board] = builder.Build(Board(board), Path.Combine(Output, board, "fault-probe"), ImageProject("FaultProbe"));
            RuntimeProbes[board] = builder.Build(Board(board), Path.Combine(Output, board, "runtime-probe"), ImageProject("RuntimeProbe"));
            AccessorProbes[board] = builder.Build(Board(board), Path.Combine(Output, board, "accessor-probe"), ImageProject("AccessorProbe"));
            // On orangepi-pc the stack no longer fits the boot ROM's 32 KiB: the probe runs as the second stage, from DRAM.
            NetProbes[board] = builder.BuildBootloader(Board(board), Path.Combine(Output, board, "net-probe"), ImageProject("NetProbe"));
            ImageProbes[board] = builder.Build(Board(board), Path.Combine(Output, board, "image-probe"), ImageProject("ImageProbe"));
        }
        // TCP on bare metal: qemu-virt only (with TCP the stack does not fit orangepi-pc's 32 KiB).
        TcpProbe = builder.Build(Board("qemu-virt"), Path.Combine(Output, "qemu-virt", "tcp-probe"), ImageProject("TcpProbe"));
    }

    public string Root { get; }
    public string Output { get; }
    /// <summary>The bootloader of each board; on boards with a second stage, its first stage (<see cref="BuiltImage.SecondStage"/> has the other).</summary>
    public Dictionary<string, BuiltImage> Bootloaders { get; } = [];
    public Dictionary<string, BuiltImage> SampleKernels { get; } = [];
    public Dictionary<string, BuiltImage> FaultProbes { get; } = [];
    public Dictionary<string, BuiltImage> RuntimeProbes { get; } = [];
    public Dictionary<string, BuiltImage> AccessorProbes { get; } = [];
    public Dictionary<string, BuiltImage> NetProbes { get; } = [];
    public BuiltImage TcpProbe { get; }
    public Dictionary<string, BuiltImage> ImageProbes { get; } = [];

    public string ImageProject(string name) => Path.Combine(Root, "tests", "Images", name, name + ".csproj");

    public BoardFile Board(string name) => BoardCatalog.Load(Root, name);

    public void Dispose() => Directory.Delete(Output, recursive: true);
}

[CollectionDefinition("Images")]
public sealed class ImageCollection : ICollectionFixture<ImageFixture>;
