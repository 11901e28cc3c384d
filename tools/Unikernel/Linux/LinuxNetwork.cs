using Unikernel.Tool.Bench;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Linux;

/// <summary>
/// A network for a Linux boot under QEMU: a namespace of its own (unique name, deleted on
/// dispose with everything started in it), a TAP, and dnsmasq on it leasing DHCPv4 addresses in
/// 169.254.0.0/16 (link-local, never routed) for the initramfs's udhcpc.
/// </summary>
public sealed class LinuxNetwork : IDisposable
{
    public const string Tap = "lx0";
    public const string ServerAddress = "169.254.20.1";
    private const string Netdev = "net0";

    private readonly BenchNamespace _space = new();
    private readonly string _leases;
    private readonly string _pid;

    /// <param name="directory">Where dnsmasq keeps its lease and pid files.</param>
    public LinuxNetwork(string directory)
    {
        _leases = Path.Combine(directory, _space.Name + ".leases");
        _pid = Path.Combine(directory, _space.Name + ".dnsmasq.pid");
        try
        {
            Directory.CreateDirectory(directory);
            _space.Run("ip", "tuntap", "add", "dev", Tap, "mode", "tap");
            _space.Address(Tap, ServerAddress + "/16");
            var dnsmasq = _space.Start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--user=root", "--port=0", "--log-facility=-",
                $"--pid-file={_pid}", $"--dhcp-leasefile={_leases}",
                $"--interface={Tap}", "--bind-interfaces", "--dhcp-range=169.254.20.100,169.254.20.199,255.255.0.0,2m");
            dnsmasq.WaitForLine("DHCP, sockets bound exclusively to interface", TimeSpan.FromSeconds(10));
        }
        catch
        {
            _space.Dispose();
            throw;
        }
    }

    /// <summary>The namespace's name.</summary>
    public string Namespace => _space.Name;

    /// <summary>QEMU's -netdev for the TAP; the board's NIC goes on netdev <c>net0</c>.</summary>
    public static string[] NetdevArguments => ["-netdev", $"tap,id={Netdev},ifname={Tap},script=no,downscript=no"];

    /// <summary>QEMU started inside the namespace with <paramref name="arguments"/>.</summary>
    public QemuSession StartQemu(string program, IEnumerable<string> arguments) =>
        QemuSession.Start("ip", ["netns", "exec", _space.Name, program, .. arguments]);

    /// <summary>
    /// One of our images (the bootloader) booted as its board boots, its NIC on the TAP: for our
    /// half of a Linux boot, the kernel then sent over TCP from inside <see cref="Namespace"/>.
    /// </summary>
    public QemuSession StartBoard(Build.BuiltImage image)
    {
        var (program, arguments) = QemuCommand.For(image, [.. NetdevArguments, .. QemuCommand.Nic(image.Board, Netdev)]);
        return StartQemu(program, arguments);
    }

    public void Dispose()
    {
        _space.Dispose();
        File.Delete(_leases);
        File.Delete(_pid);
    }
}
