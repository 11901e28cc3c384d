using System.IO.Compression;
using System.Text;

namespace Unikernel.Tool.Linux;

/// <summary>
/// The initramfs the Linux boots run: busybox-static, the board's network modules with their
/// dependencies and a modules.dep, and an /init that reports on the console in
/// <see cref="InitConsole"/>'s lines (up, CPU count, DHCP lease or none) and powers off.
/// A gzip'd newc cpio, the same bytes for the same parts.
/// </summary>
public static class Initramfs
{
    /// <summary>
    /// /init. It prints the marker as soon as the file systems are mounted (what "time to /init"
    /// measures), then the CPUs Linux brought up, loads the network modules, waits for eth0, asks
    /// for one DHCP lease with a bounded wait, and powers off (at EL3 QEMU keeps running after it:
    /// callers stop on the last line).
    /// </summary>
    public static string InitScript(IEnumerable<string> modules) => $$"""
        #!/bin/sh
        export PATH=/sbin:/usr/sbin:/bin:/usr/bin
        /bin/busybox --install -s
        mount -t proc proc /proc
        mount -t sysfs sys /sys
        mount -t devtmpfs dev /dev
        echo "{{InitConsole.Prefix}} up $(cut -d' ' -f1 /proc/uptime) s after the kernel started"
        echo "{{InitConsole.Prefix}} cpus $(grep -c ^processor /proc/cpuinfo) (online $(cat /sys/devices/system/cpu/online))"
        for m in {{string.Join(' ', modules)}}; do modprobe $m || echo "{{InitConsole.Prefix}} modprobe $m failed"; done
        n=0
        while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 50 ]; do usleep 200000; n=$((n + 1)); done
        if ip link set eth0 up && udhcpc -i eth0 -f -n -q -t 5 -T 2 -s /etc/udhcpc.sh; then :; else echo "{{InitConsole.Prefix}} no lease"; fi
        echo "{{InitConsole.Prefix}} done"
        poweroff -f

        """.Replace("\r", "", StringComparison.Ordinal);

    /// <summary>udhcpc's script: on a lease, set the address and say it (udhcpc passes the lease in its environment).</summary>
    public const string LeaseScript = $$"""
        #!/bin/sh
        [ "$1" = bound ] || exit 0
        ip address add "$ip/${mask:-16}" dev "$interface"
        echo "{{InitConsole.Prefix}} lease $ip"

        """;

    /// <summary>Writes the initramfs of <paramref name="kernel"/> to <paramref name="output"/> (atomically: parallel callers see whole files).</summary>
    /// <param name="busybox">The busybox-static binary of the kernel's architecture.</param>
    /// <param name="moduleDirectory">lib/modules/RELEASE of the unpacked kernel package.</param>
    public static void Write(LinuxKernel kernel, string busybox, string moduleDirectory, string output)
    {
        var modules = new KernelModules(moduleDirectory);
        var order = modules.LoadOrder(kernel.NetworkModules);
        string root = $"lib/modules/{kernel.Release}";
        var directories = new SortedSet<string>(StringComparer.Ordinal) { "bin", "dev", "etc", "lib", "lib/modules", root, "proc", "sbin", "sys", "tmp", "usr", "usr/bin", "usr/sbin" };
        foreach (string module in order)
        {
            for (string? parent = Path.GetDirectoryName(modules.PathOf(module)); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
                directories.Add($"{root}/{parent}");
        }

        string temporary = $"{output}.{Guid.NewGuid():N}.tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
        {
            var cpio = new CpioArchive(gzip);
            // Parents sort before their children.
            foreach (string directory in directories)
                cpio.Directory(directory);
            cpio.File("bin/busybox", File.ReadAllBytes(busybox), permissions: 0x1ED);
            cpio.SymbolicLink("bin/sh", "busybox");
            cpio.File("etc/udhcpc.sh", Encoding.ASCII.GetBytes(LeaseScript), permissions: 0x1ED);
            cpio.File("init", Encoding.ASCII.GetBytes(InitScript(kernel.NetworkModules)), permissions: 0x1ED);
            foreach (string module in order)
                cpio.File($"{root}/{modules.PathOf(module)}", File.ReadAllBytes(Path.Combine(moduleDirectory, modules.PathOf(module))));
            cpio.File($"{root}/modules.dep", Encoding.ASCII.GetBytes(modules.ModulesDep(order)));
            cpio.Finish();
        }
        File.Move(temporary, output, overwrite: true);
    }
}
