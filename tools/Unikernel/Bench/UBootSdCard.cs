using Unikernel.Tool.Build;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The peer of the idle bench: U-Boot 2023.01 from Debian's u-boot-sunxi (armhf), its
/// orangepi_zero build, which boots on QEMU's orangepi-pc (../shared/refs/peers.md), on an SD
/// card image of ours at byte 8 KiB. Fetched with apt-get once and kept under build/peers/u-boot/.
/// </summary>
public static class UBootSdCard
{
    public const string Package = "u-boot-sunxi:armhf";
    public const string Build = "orangepi_zero";

    /// <summary>The SD card image, made (and the package fetched) if it is not there yet.</summary>
    public static string Prepare(string root)
    {
        string card = Path.Combine(Directory(root), "sdcard.img");
        if (File.Exists(card))
            return card;
        SdCardImage.Write(card, File.ReadAllBytes(Binary(root)));
        return card;
    }

    /// <summary>U-Boot with its SPL (u-boot-sunxi-with-spl.bin of the build), the package fetched and unpacked if it is not there yet.</summary>
    public static string Binary(string root)
    {
        string directory = Directory(root);
        string extracted = Path.Combine(directory, "package");
        string binary = Path.Combine(extracted, "usr", "lib", "u-boot", Build, "u-boot-sunxi-with-spl.bin");
        if (File.Exists(binary))
            return binary;
        System.IO.Directory.CreateDirectory(directory);
        string package = System.IO.Directory.GetFiles(directory, "u-boot-sunxi_*_armhf.deb").FirstOrDefault() ?? Download(directory);
        ExternalProcess.Run($"unpacking {Path.GetFileName(package)}", "dpkg-deb", ["-x", package, extracted]);
        if (!File.Exists(binary))
            throw new BenchFailure($"{Path.GetFileName(package)} has no {Build}/u-boot-sunxi-with-spl.bin");
        return binary;
    }

    private static string Directory(string root) => Path.Combine(root, "build", "peers", "u-boot");

    /// <summary>apt-get download of the armhf package, adding the armhf architecture to dpkg first if it lacks it.</summary>
    private static string Download(string directory)
    {
        if (!ExternalProcess.TryRun("dpkg", ["--print-foreign-architectures"]).Output.Split('\n').Contains("armhf"))
        {
            ExternalProcess.Run("adding the armhf architecture (for U-Boot's package)", "dpkg", ["--add-architecture", "armhf"]);
            ExternalProcess.Run("apt-get update", "apt-get", ["update", "-qq"]);
        }
        if (ExternalProcess.TryRun("apt-get", ["download", Package], directory).ExitCode != 0)
        {
            ExternalProcess.Run("apt-get update", "apt-get", ["update", "-qq"]);
            ExternalProcess.Run($"apt-get download {Package}", "apt-get", ["download", Package], directory);
        }
        return System.IO.Directory.GetFiles(directory, "u-boot-sunxi_*_armhf.deb").FirstOrDefault()
            ?? throw new BenchFailure($"apt-get download {Package} left no package in {directory}");
    }
}
