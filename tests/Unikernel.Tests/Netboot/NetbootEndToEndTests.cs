using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Unikernel.Boot.Image;
using Unikernel.Tests.Image;
using Unikernel.Tests.Net;
using Unikernel.Tool;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;
using Xunit.Abstractions;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// The seed's main flow on each emulated board, end to end: the Orange Pi PC's SD card boots
/// (first stage, DRAM, second stage from the card) and QEMU virt's firmware image boots (its
/// virtio-net card), the board answers ping6 on its link-local address over a TAP in a
/// namespace of the test's own, takes kernels over TCP 1337 from `unikernel upload` and from
/// plain nc, refuses bad ones with their reason and keeps listening. Figures (boot to first
/// ping6 reply, its round trip, upload throughput) are printed and appended to
/// build/measurements/netboot.txt.
/// </summary>
[Collection("Images")]
public sealed class NetbootEndToEndTests(ImageFixture images, ITestOutputHelper log)
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The boards QEMU emulates, for the theories below.</summary>
    public static TheoryData<string> Boards => new() { "orangepi-pc", "qemu-virt" };

    private EmulatedNetwork Start(string board)
    {
        NetworkNamespace.Require("ping", "iputils-ping");
        return EmulatedNetwork.Start(images.Bootloaders[board]);
    }

    private static string HelloLine(string board) => $"hello from kernel at 0x42000000 on {board}";

    /// <summary>The bring-up lines each board prints before its network answers.</summary>
    private static string[] BringUpLines(string board) => board == "qemu-virt"
        ? [@"\[ OK \] RAM 512 MiB", @"\[ OK \] Ethernet 52:54:00:12:34:56, virtio-net \(legacy virtio-mmio\)"]
        : [@"\[ OK \] DRAM 1024 MiB", @"\[ OK \] second stage \d+ bytes from the SD card, sha256 ok", @"\[ OK \] Ethernet 02:[0-9a-f:]{14}, link 100 Mbit/s full duplex"];

    private static (int ExitCode, string Output) Upload(EmulatedNetwork network, params string[] arguments)
    {
        var writer = new StringWriter();
        var console = PlainConsole.Create(writer);
        int exit = 1;
        network.Inside(() => exit = UploadCommand.Create(console).Parse(["upload", .. arguments]).Invoke());
        return (exit, writer.ToString());
    }

    /// <summary>Sends <paramref name="bytes"/> with nc as the seed does and returns what the bootloader answered.</summary>
    internal static string SendWithNc(EmulatedNetwork network, string address, byte[] bytes)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, bytes);
            var result = network.Run("sh", "-c", $"nc -N -w 10 {EmulatedNetwork.Scoped(address)} 1337 < {file}");
            return result.Output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Appends a figure to build/measurements/netboot.txt, timestamped.</summary>
    internal static void Record(string line)
    {
        string directory = Path.Combine(Repository.FindRoot(), "build", "measurements");
        Directory.CreateDirectory(directory);
        File.AppendAllText(Path.Combine(directory, "netboot.txt"), $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} {line}\n");
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void The_board_boots_to_the_netboot_service_and_answers_ping6_20_of_20(string board)
    {
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        // First reply: ping once a tenth of a second until one comes back.
        var firstReply = Stopwatch.StartNew();
        while (network.Run("ping", "-6", "-c", "1", "-W", "1", EmulatedNetwork.Scoped(address)).ExitCode != 0)
            Assert.True(firstReply.Elapsed < Step, "no ping6 reply within 30 s of the link-local address line");
        double seconds = (network.Clock.Elapsed - network.Started).TotalSeconds;
        string console = network.Qemu.Output;
        Assert.Contains("Unikernel bootloader", console);
        foreach (string line in BringUpLines(board))
            Assert.Matches(line, console);

        var ping = network.Run("ping", "-6", "-c", "20", "-i", "0.05", "-W", "2", EmulatedNetwork.Scoped(address));
        Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);
        Assert.Contains("20 packets transmitted, 20 received", ping.Output);
        string roundTrip = Regex.Match(ping.Output, @"rtt min/avg/max/mdev = ([0-9./]+) ms").Groups[1].Value;
        log.WriteLine($"{board}: QEMU start to first ping6 reply: {seconds:0.00} s; ping6 round trip min/avg/max/mdev {roundTrip} ms");
        Record($"{board} QEMU start to first ping6 reply {seconds.ToString("0.00", CultureInfo.InvariantCulture)} s, ping6 round trip min/avg/max/mdev {roundTrip} ms");
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void The_sample_kernel_uploaded_with_unikernel_upload_runs(string board)
    {
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        var (exit, output) = Upload(network, images.SampleKernels[board].KernelImage, "--to", EmulatedNetwork.Scoped(address));
        Assert.True(exit == 0, output);
        Assert.Matches(@"bootloader: ok \d+ sha256 [0-9a-f]{64}, jumping to 0x42000000", output);
        network.WaitForConsole(HelloLine(board), Step);
    }

    /// <summary>
    /// A version 2 image on the board: a Linux one it cannot start is refused with its reason (a
    /// device tree of zeros on orangepi-pc, an ARMv7 zImage on AArch64 qemu-virt); then the sample kernel as the kernel part (protocol 0) with a
    /// 1 MiB dummy initrd elsewhere in DRAM is taken part by part and runs.
    /// </summary>
    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void The_sample_kernel_in_a_version_2_image_with_an_initrd_runs_after_a_Linux_image_the_board_cannot_start(string board)
    {
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        string directory = Directory.CreateTempSubdirectory("unikernel-v2-").FullName;
        try
        {
            var zImage = RandomNumberGenerator.GetBytes(100_000);
            BitConverter.GetBytes(KernelImageParts.ZImageMagic).CopyTo(zImage, KernelImageParts.ZImageMagicOffset);
            var linux = LinuxImage.Assemble(BootProtocol.LinuxZImage, 0x4200_0000,
                [new(PartKind.Kernel, 0x4200_0000, 100_000, zImage), new(PartKind.DeviceTree, 0x4300_0000, 0x1_0000, new byte[4096])]);
            string linuxFile = Path.Combine(directory, "linux.uki");
            File.WriteAllBytes(linuxFile, linux.Bytes());
            var (exit, output) = Upload(network, linuxFile, "--to", EmulatedNetwork.Scoped(address));
            Assert.Equal(1, exit);
            // orangepi-pc boots zImages but this one's device tree is zeros; qemu-virt boots arm64 Images only.
            Assert.Contains(board == "qemu-virt"
                ? "bootloader: error: Linux image for another CPU (this board boots the other protocol)"
                : "bootloader: error: device tree refused: ", output);

            byte[] hello = File.ReadAllBytes(images.SampleKernels[board].KernelImage);
            Assert.True(KernelImage.TryParse(hello, uint.MaxValue, [], out var header, out _));
            byte[] kernel = hello[header.HeaderLength..];
            var image = LinuxImage.Assemble(BootProtocol.Unikernel, header.EntryPoint,
            [
                new(PartKind.Kernel, header.LoadAddress, (uint)kernel.Length, kernel),
                new(PartKind.Initrd, 0x4500_0000, 1 << 20, RandomNumberGenerator.GetBytes(1 << 20)),
            ]);
            string file = Path.Combine(directory, "hello.uki");
            File.WriteAllBytes(file, image.Bytes());
            (exit, output) = Upload(network, file, "--to", EmulatedNetwork.Scoped(address));
            Assert.True(exit == 0, output);
            Assert.Contains($"bootloader: ok kernel {kernel.Length} + initrd 1048576 sha256 ok, jumping to 0x42000000", output);
            network.WaitForConsole(HelloLine(board), Step);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void The_sample_kernel_sent_with_plain_nc_runs(string board)
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        string reply = SendWithNc(network, address, File.ReadAllBytes(images.SampleKernels[board].KernelImage));
        Assert.StartsWith("ok ", reply);
        network.WaitForConsole(HelloLine(board), Step);
    }

    public static TheoryData<string, string> BadImages => new()
    {
        { "bad-magic", "error: bad magic (not a UKIMAGE)" },
        { "version", "error: unsupported format version" },
        { "outside-dram", "error: load range outside DRAM" },
        { "on-the-bootloader", "error: load range overlaps the bootloader" },
        { "entry-outside", "error: entry point outside the loaded range" },
        { "truncated", "error: truncated payload: 4000 of 8192 bytes" },
        { "extra-data", "error: data after the payload" },
        { "damaged", "error: sha256 mismatch: received " },
        { "header-only-half", "error: truncated header" },
    };

    /// <summary>Where the bootloader's own RAM starts (heap, buffers, stack): a kernel may not load there.</summary>
    private ulong BootloaderRam(string board)
    {
        var file = images.Board(board);
        var ram = file.SecondStage?.Layout.Ram ?? file.Ram;
        return ram.Region.Base + ram.Offset;
    }

    private static byte[] BadImage(string kind, ulong bootloaderRam)
    {
        var payload = new byte[8192];
        new Random(kind.Length).NextBytes(payload);
        ulong load = kind switch
        {
            "outside-dram" => 0x8000_0000 - 4096,
            "on-the-bootloader" => bootloaderRam,
            _ => 0x4200_0000,
        };
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, load, kind == "entry-outside" ? load + 0x10000 : load, payload);
        byte[] image = [.. header, .. payload];
        switch (kind)
        {
            case "bad-magic": image[0] = (byte)'X'; break;
            case "version": image[KernelImage.VersionOffset] = 9; break;
            case "truncated": return image[..(KernelImage.FixedHeaderLength + 4000)];
            case "extra-data": return [.. image, 1, 2, 3];
            case "damaged": image[^100] ^= 1; break;
            case "header-only-half": return image[..30];
        }
        return image;
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void Each_kind_of_bad_image_is_refused_with_its_reason_and_a_good_image_still_boots(string board)
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        foreach (var row in BadImages)
        {
            string kind = (string)row[0], expected = (string)row[1];
            int lines = network.Qemu.LineCount;
            string reply = SendWithNc(network, address, BadImage(kind, BootloaderRam(board)));
            Assert.True(reply.StartsWith(expected, StringComparison.Ordinal), $"{kind}: expected '{expected}', the bootloader answered '{reply}'");
            network.WaitForConsole("netboot: " + Regex.Escape(expected), Step, lines);
        }
        var (exit, output) = Upload(network, images.SampleKernels[board].KernelImage, "--to", EmulatedNetwork.Scoped(address));
        Assert.True(exit == 0, output);
        network.WaitForConsole(HelloLine(board), Step);
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void A_32_MiB_random_payload_arrives_with_the_sha256_it_was_sent_with(string board)
    {
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        var payload = new byte[32 << 20];
        new Random(32).NextBytes(payload);
        payload[0] = 0x7F;
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, payload);
            var watch = Stopwatch.StartNew();
            var (exit, output) = Upload(network, file, "--to", EmulatedNetwork.Scoped(address), "--load", "0x44000000", "--timeout", "60");
            double seconds = watch.Elapsed.TotalSeconds;
            Assert.True(exit == 0, output);
            string sha = Convert.ToHexStringLower(SHA256.HashData(payload));
            Assert.Contains($"bootloader: ok {payload.Length} sha256 {sha}", output);
            var rate = network.WaitForConsole(@"netboot: (\d+) bytes in (\d+) ms", Step);
            double mibPerSecond = payload.Length / (1 << 20) / (double.Parse(rate.Groups[2].Value, CultureInfo.InvariantCulture) / 1000);
            log.WriteLine($"{board}: 32 MiB upload: {seconds:0.00} s at the uploader, {rate.Value} on the board: {mibPerSecond:0.0} MiB/s");
            Record($"{board} 32 MiB upload {mibPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} MiB/s ({rate.Value})");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// netem's 5% loss with reordering on what Linux sends the board. This VM's kernel has no netem
    /// qdisc, so the test uses `tc netem` where the kernel has it and otherwise the same profile in
    /// user space (<see cref="ImpairedRelay"/>, between the TAP and QEMU).
    /// </summary>
    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void An_upload_under_5_percent_loss_and_reordering_arrives_intact(string board)
    {
        const string profile = "loss 5% delay 10ms reorder 25% 50%";
        var payload = new byte[4 << 20];
        new Random(5).NextBytes(payload);
        payload[0] = 0x7F;
        bool kernelNetem = Unikernel.Tests.Net.NetemProbe.Missing.Value is null;
        using var network = kernelNetem ? Start(board) : EmulatedNetwork.Start(images.Bootloaders[board], impairment: profile);
        string address = network.WaitForLinkLocal(Boot);
        if (kernelNetem)
            Assert.Equal(0, network.Run(["tc", "qdisc", "add", "dev", EmulatedNetwork.Tap, "root", "netem", .. profile.Split(' ')]).ExitCode);
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, payload);
            var (exit, output) = Upload(network, file, "--to", EmulatedNetwork.Scoped(address), "--load", "0x44000000", "--timeout", "60");
            Assert.True(exit == 0, output);
            Assert.Contains($"bootloader: ok {payload.Length} sha256 {Convert.ToHexStringLower(SHA256.HashData(payload))}", output);
            log.WriteLine($"{board}: 4 MiB under '{profile}' ({(kernelNetem ? "tc netem" : "user-space relay")}): {network.WaitForConsole(@"netboot: \d+ bytes in \d+ ms", Step).Value}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
