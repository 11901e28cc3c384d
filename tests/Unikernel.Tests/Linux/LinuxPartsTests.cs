using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Unikernel.Tool;
using Unikernel.Tool.Linux;

namespace Unikernel.Tests.Linux;

/// <summary>
/// The parts from the pinned Debian packages (fetched with apt-get into build/linux/ on first use):
/// what the initramfs holds, read back from its cpio, and that building it again gives the same bytes.
/// </summary>
public sealed class LinuxPartsTests
{
    private static readonly string Root = Repository.FindRoot();

    [Fact]
    public void The_orangepi_pc_initramfs_holds_busybox_init_the_emac_modules_with_their_dependencies_and_modules_dep()
    {
        var parts = LinuxParts.Prepare(Root, "orangepi-pc");
        var entries = Read(parts.Initrd);
        string modules = "lib/modules/6.1.0-50-armmp/";

        Assert.Equal(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(parts.Initrd)!, "busybox", "bin", "busybox")), entries["bin/busybox"]);
        Assert.StartsWith("#!/bin/sh\n", Encoding.ASCII.GetString(entries["init"]));
        foreach (string module in (string[])["dwmac-sun8i", "stmmac", "stmmac-platform", "mdio-mux", "libphy", "phylink", "pcs_xpcs", "of_mdio"])
            Assert.Contains(entries.Keys, path => path.StartsWith(modules, StringComparison.Ordinal) && path.EndsWith($"/{module}.ko", StringComparison.Ordinal));
        string dep = Encoding.ASCII.GetString(entries[modules + "modules.dep"]);
        string sun8i = dep.Split('\n').Single(line => line.StartsWith("kernel/drivers/net/ethernet/stmicro/stmmac/dwmac-sun8i.ko:", StringComparison.Ordinal));
        Assert.Contains("stmmac/stmmac.ko", sun8i);
        Assert.Contains("/libphy.ko", sun8i);
    }

    [Fact]
    public void Building_the_initramfs_again_gives_the_same_bytes()
    {
        string first = Hash(LinuxParts.Prepare(Root, "qemu-virt").Initrd);
        Assert.Equal(first, Hash(LinuxParts.Prepare(Root, "qemu-virt").Initrd));
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>The entries of a gzip'd newc cpio, by name (directories and links too, with their data).</summary>
    private static Dictionary<string, byte[]> Read(string file)
    {
        var archive = new MemoryStream();
        using (var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress))
            gzip.CopyTo(archive);
        byte[] bytes = archive.ToArray();
        var entries = new Dictionary<string, byte[]>();
        int at = 0;
        while (true)
        {
            Assert.Equal("070701", Encoding.ASCII.GetString(bytes, at, 6));
            int Field(int index) => int.Parse(Encoding.ASCII.GetString(bytes, at + 6 + 8 * index, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int size = Field(6), nameSize = Field(11);
            string name = Encoding.ASCII.GetString(bytes, at + 110, nameSize - 1);
            int data = (at + 110 + nameSize + 3) & ~3;
            if (name == "TRAILER!!!")
                return entries;
            entries[name] = bytes[data..(data + size)];
            at = (data + size + 3) & ~3;
        }
    }
}
