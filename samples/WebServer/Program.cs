using System.Runtime;
using Unikernel.Kit;
using Unikernel.Net.Http;

namespace Unikernel.Samples.WebServer;

/// <summary>
/// A web server kernel on the kit: <c>GET /</c> a page, <c>GET /api/status</c> JSON, on port 80
/// over IPv6 (link-local, and SLAAC where a router advertises) and IPv4 (a link-local address
/// made from the MAC, printed at start). The loop: move frames, serve, sleep until a frame or
/// the server's next deadline.
/// </summary>
internal static class Program
{
    /// <summary>Connections served at once; more wait in TCP's backlog.</summary>
    private const int Connections = 4;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        if (!Machine.Start())
            return;
        var options = KernelNetworkOptions.Default;
        options.Ipv4 = Ipv4Source.LinkLocal;
        if (!KernelNetwork.Start(options))
            return;
        var server = new HttpServer<Site>(KernelNetwork.Interface, new Site(), Connections);
        if (!server.IsListening)
        {
            KernelConsole.WriteLine("web: cannot listen on port 80"u8);
            return;
        }
        KernelConsole.WriteLine("web: serving / and /api/status on port 80 (IPv6 and IPv4)"u8);
        while (true)
        {
            KernelNetwork.Poll();
            server.Step(KernelClock.Milliseconds);
            KernelNetwork.WaitForWork(Deadline.At(server.NextStepAt));
        }
    }
}
