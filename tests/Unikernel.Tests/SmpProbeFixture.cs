using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// The SMP probe (tests/Images/SmpProbe) for the two emulated boards, built once. On orangepi-pc
/// it runs as the second stage, from DRAM: its cores' stacks do not fit the SRAM the boot ROM
/// loads into. A collection of its own, run after the parallel ones so its builds never overlap
/// the "Images" collection's.
/// </summary>
public sealed class SmpProbeFixture : IDisposable
{
    public SmpProbeFixture()
    {
        string root = Repository.FindRoot();
        Output = Directory.CreateTempSubdirectory("unikernel-smp-").FullName;
        var builder = new ImageBuilder(root);
        string project = Path.Combine(root, "tests", "Images", "SmpProbe", "SmpProbe.csproj");
        foreach (string board in new[] { "orangepi-pc", "qemu-virt" })
            Probes[board] = builder.BuildBootloader(BoardCatalog.Load(root, board), Path.Combine(Output, board), project);
    }

    public string Output { get; }

    public Dictionary<string, BuiltImage> Probes { get; } = [];

    public void Dispose() => Directory.Delete(Output, recursive: true);
}

[CollectionDefinition("SmpImages", DisableParallelization = true)]
public sealed class SmpImageCollection : ICollectionFixture<SmpProbeFixture>;
