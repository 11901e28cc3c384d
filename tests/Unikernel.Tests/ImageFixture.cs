using Unikernel.Tool;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// Builds, once per test run and on first use, the bootloader for every board, the sample kernels
/// and the fault and runtime probes for the two emulated boards, into a temporary directory.
/// Image tests share it through the "Images" collection, which also keeps them from building
/// the same projects at the same time; a test run that needs only some images builds only those.
/// </summary>
public sealed class ImageFixture : IDisposable
{
    private readonly ImageBuilder _builder;
    private readonly Lazy<BuiltImage> _tcpProbe;
    private readonly Lazy<BuiltImage> _httpProbe;

    public ImageFixture()
    {
        Root = Repository.FindRoot();
        Output = Directory.CreateTempSubdirectory("unikernel-images-").FullName;
        _builder = new ImageBuilder(Root);
        Bootloaders = new BuiltImages(board => _builder.BuildBootloader(Board(board), Path.Combine(Output, board, "bootloader")));
        SampleKernels = new BuiltImages(board => _builder.BuildSampleKernel(Board(board), Path.Combine(Output, board, "hello"))!);
        EchoKernels = new BuiltImages(board => _builder.BuildSampleKernel(Board(board), Path.Combine(Output, board, "echo"), "Echo")!);
        MultiCoreKernels = new BuiltImages(board => _builder.BuildSampleKernel(Board(board), Path.Combine(Output, board, "multicore"), "MultiCore")!);
        WebServerKernels = new BuiltImages(board => _builder.BuildSampleKernel(Board(board), Path.Combine(Output, board, "webserver"), "WebServer")!);
        FaultProbes = new BuiltImages(board => _builder.Build(Board(board), Path.Combine(Output, board, "fault-probe"), ImageProject("FaultProbe")));
        RuntimeProbes = new BuiltImages(board => _builder.Build(Board(board), Path.Combine(Output, board, "runtime-probe"), ImageProject("RuntimeProbe")));
        AccessorProbes = new BuiltImages(board => _builder.Build(Board(board), Path.Combine(Output, board, "accessor-probe"), ImageProject("AccessorProbe")));
        // On orangepi-pc the stack no longer fits the boot ROM's 32 KiB: the probe runs as the second stage, from DRAM.
        NetProbes = new BuiltImages(board => _builder.BuildBootloader(Board(board), Path.Combine(Output, board, "net-probe"), ImageProject("NetProbe")));
        ImageProbes = new BuiltImages(board => _builder.Build(Board(board), Path.Combine(Output, board, "image-probe"), ImageProject("ImageProbe")));
        // The Ed25519 verifier's time on each emulated CPU; on orangepi-pc from DRAM, as the bootloader runs it.
        SigningProbes = new BuiltImages(board => _builder.BuildBootloader(Board(board), Path.Combine(Output, board, "signing-probe"), ImageProject("SigningProbe")));
        // TCP on bare metal: qemu-virt only (with TCP the stack does not fit orangepi-pc's 32 KiB).
        _tcpProbe = new Lazy<BuiltImage>(() => _builder.Build(Board("qemu-virt"), Path.Combine(Output, "qemu-virt", "tcp-probe"), ImageProject("TcpProbe")));
        SigningKey = Unikernel.Tool.Signing.KeyFile.Generate();
        SignedOnlyBootloaders = new BuiltImages(board => new ImageBuilder(Root) { Properties = ["SigningPublicKey=" + Convert.ToHexStringLower(SigningKey.PublicKey)] }
            .BuildBootloader(Board(board), Path.Combine(Output, board, "bootloader-signed-only")));
        _httpProbe = new Lazy<BuiltImage>(() => _builder.Build(Board("qemu-virt"), Path.Combine(Output, "qemu-virt", "http-probe"), ImageProject("HttpProbe")));
    }

    public string Root { get; }
    public string Output { get; }
    /// <summary>The bootloader of each board; on boards with a second stage, its first stage (<see cref="BuiltImage.SecondStage"/> has the other).</summary>
    public BuiltImages Bootloaders { get; }
    public BuiltImages SampleKernels { get; }
    /// <summary>samples/Echo, a kernel for the bootloader to take.</summary>
    public BuiltImages EchoKernels { get; }
    /// <summary>samples/MultiCore, a kernel for the bootloader to take.</summary>
    public BuiltImages MultiCoreKernels { get; }
    /// <summary>samples/WebServer: a page and a JSON API on port 80.</summary>
    public BuiltImages WebServerKernels { get; }
    public BuiltImages FaultProbes { get; }
    public BuiltImages RuntimeProbes { get; }
    public BuiltImages AccessorProbes { get; }
    public BuiltImages NetProbes { get; }
    public BuiltImage TcpProbe => _tcpProbe.Value;
    public BuiltImage HttpProbe => _httpProbe.Value;
    public BuiltImages ImageProbes { get; }
    public BuiltImages SigningProbes { get; }
    /// <summary>The bootloader built with <see cref="SigningKey"/>'s public half (`build --key`): it takes signed images only.</summary>
    public BuiltImages SignedOnlyBootloaders { get; }
    /// <summary>A key pair made for this test run (the secret seed and the public key).</summary>
    public (byte[] Seed, byte[] PublicKey) SigningKey { get; }

    public string ImageProject(string name) => Path.Combine(Root, "tests", "Images", name, name + ".csproj");

    public BoardFile Board(string name) => BoardCatalog.Load(Root, name);

    public void Dispose() => Directory.Delete(Output, recursive: true);
}

/// <summary>Images of one kind by board, each built the first time it is asked for.</summary>
public sealed class BuiltImages(Func<string, BuiltImage> build)
{
    private readonly Dictionary<string, BuiltImage> _built = [];

    public BuiltImage this[string board]
    {
        get
        {
            lock (_built)
            {
                if (!_built.TryGetValue(board, out BuiltImage? image))
                    _built[board] = image = build(board);
                return image;
            }
        }
    }
}

[CollectionDefinition("Images")]
public sealed class ImageCollection : ICollectionFixture<ImageFixture>;
