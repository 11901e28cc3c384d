using System.Runtime;
using Unikernel.Kit;

namespace Unikernel.Samples.Echo;

/// <summary>
/// An echo server kernel (RFC 862) on the kit: TCP and UDP port 7, IPv6 on the link-local
/// address (and SLAAC where a router advertises), IPv4 on a link-local address made from the MAC
/// (169.254.x.y/16, printed at start). Kernels have no command line, so DHCP with a fallback
/// would leave a test waiting for a server that is not there; a fixed link-local address from
/// the MAC is there at once and the same each boot (KernelNetwork.LinkLocalIpv4).
/// </summary>
internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        if (!Machine.Start())
            return;
        var options = KernelNetworkOptions.Default;
        options.Ipv4 = Ipv4Source.LinkLocal;
        if (!KernelNetwork.Start(options))
            return;
        var echo = new EchoService(KernelNetwork.Tcp, KernelNetwork.Udp, options.TcpConnections);
        if (!echo.Start())
        {
            KernelConsole.WriteLine("echo: cannot listen on port 7"u8);
            return;
        }
        KernelConsole.Write("echo: TCP and UDP port 7 (RFC 862), IPv6 and IPv4, "u8);
        KernelConsole.WriteDecimal((ulong)options.TcpConnections);
        KernelConsole.Write(" connections at once; heap used "u8);
        KernelConsole.WriteDecimal(Machine.HeapUsed >> 10);
        KernelConsole.WriteLine(" KiB"u8);
        while (true)
        {
            KernelNetwork.Poll();
            echo.Step();
            KernelNetwork.WaitForWork(Deadline.Never);
        }
    }
}
