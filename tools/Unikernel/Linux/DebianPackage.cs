using Unikernel.Tool.Build;

namespace Unikernel.Tool.Linux;

/// <summary>
/// One Debian 12 package at an exact version and architecture, fetched with <c>apt-get download</c>
/// (never installed) and unpacked with <c>dpkg-deb -x</c> into a directory of the build tree.
/// </summary>
/// <param name="Name">The package, e.g. linux-image-6.1.0-50-armmp.</param>
/// <param name="Architecture">Debian's architecture: armhf or arm64.</param>
/// <param name="Version">The exact version, epoch included (1:1.35.0-4+deb12u1+b1).</param>
public sealed record DebianPackage(string Name, string Architecture, string Version)
{
    /// <summary>What apt-get takes: name:arch=version.</summary>
    public string AptSpecification => $"{Name}:{Architecture}={Version}";

    /// <summary>
    /// The package unpacked in <paramref name="directory"/> (kept: a second call only checks it is
    /// complete). The .deb is downloaded into <paramref name="downloads"/> first if not there yet.
    /// </summary>
    public void Unpack(string downloads, string directory)
    {
        string complete = Path.Combine(directory, ".unpacked");
        if (File.Exists(complete) && File.ReadAllText(complete) == AptSpecification)
            return;
        string deb = Download(downloads);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        ExternalProcess.Run($"unpacking {Path.GetFileName(deb)}", "dpkg-deb", ["-x", deb, directory]);
        File.WriteAllText(complete, AptSpecification);
    }

    /// <summary>
    /// The .deb in <paramref name="downloads"/>, fetched if missing. Only when apt does not know the
    /// package is dpkg taught the architecture and the package lists updated, once.
    /// </summary>
    private string Download(string downloads)
    {
        Directory.CreateDirectory(downloads);
        if (Find(downloads) is { } cached)
            return cached;
        if (ExternalProcess.TryRun("apt-get", ["download", AptSpecification], downloads).ExitCode != 0)
        {
            if (!ExternalProcess.TryRun("dpkg", ["--print-foreign-architectures"]).Output.Split('\n').Contains(Architecture)
                && ExternalProcess.TryRun("dpkg", ["--print-architecture"]).Output.Trim() != Architecture)
                ExternalProcess.Run($"adding the {Architecture} architecture (for {Name})", "dpkg", ["--add-architecture", Architecture]);
            ExternalProcess.Run("apt-get update", "apt-get", ["update", "-qq"]);
            ExternalProcess.Run($"apt-get download {AptSpecification}", "apt-get", ["download", AptSpecification], downloads);
        }
        return Find(downloads) ?? throw new BuildFailure($"apt-get download {AptSpecification} left no package in {downloads}");
    }

    /// <summary>apt names the file name_version_arch.deb, with the epoch's ':' written %3a.</summary>
    private string? Find(string downloads)
    {
        string file = Path.Combine(downloads, $"{Name}_{Version.Replace(":", "%3a", StringComparison.Ordinal)}_{Architecture}.deb");
        return File.Exists(file) ? file : null;
    }
}
