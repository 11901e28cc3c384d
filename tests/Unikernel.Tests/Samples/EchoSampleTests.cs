using System.Net;
using System.Net.Sockets;
using Unikernel.Tests.Net;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;
using Xunit.Abstractions;

namespace Unikernel.Tests.Samples;

/// <summary>
/// samples/Echo netbooted on each emulated board: TCP and UDP echo on port 7 (RFC 862) over
/// IPv6 link-local and over the link-local IPv4 address the kernel makes from its MAC, from the
/// test's namespace with .NET sockets; several TCP connections at once, every byte back exactly.
/// </summary>
[Collection("Images")]
public sealed class EchoSampleTests(ImageFixture images, ITestOutputHelper log)
{
    private const int Port = 7;
    private const int Connections = 3;
    private const int BytesPerConnection = 256 * 1024;
    private const int Chunk = 8 * 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Our side of the TAP, in RFC 3927's reserved first /24 so no board picks it.</summary>
    private const string HostIpv4 = "169.254.0.1";

    [InteropTheory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Tcp_and_udp_on_port_7_echo_every_byte_over_ipv6_and_ipv4_with_several_connections_at_once(string board)
    {
        var (network, scoped) = SampleBoot.Start(images.Bootloaders[board], images.EchoKernels[board]);
        using (network)
        {
            network.WaitForConsole(@"echo: TCP and UDP port 7 \(RFC 862\), IPv6 and IPv4", Step);
            string ipv4 = network.WaitForConsole(@"\[ OK \] IPv4 (169\.254\.\d+\.\d+)/16 \(link-local, from the MAC\)", Step).Groups[1].Value;
            var run = network.Run("ip", "addr", "add", HostIpv4 + "/16", "dev", EmulatedNetwork.Tap);
            Assert.True(run.ExitCode == 0, run.Error);

            // The TAP's zone is the namespace's interface: parsed there.
            IPEndPoint ipv6 = null!;
            network.Inside(() => ipv6 = UploadTarget.Parse(scoped, Port).EndPoint);
            var v4 = new IPEndPoint(IPAddress.Parse(ipv4), Port);
            foreach (var endPoint in new[] { ipv6, v4 })
            {
                var started = DateTime.UtcNow;
                network.Inside(() => EchoOverTcp(endPoint, seed: endPoint.AddressFamily == AddressFamily.InterNetwork ? 4 : 6));
                log.WriteLine($"{board} {endPoint}: {Connections} TCP connections x {BytesPerConnection / 1024} KiB echoed in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
                network.Inside(() => EchoOverUdp(endPoint));
            }
            // Each connection the client closed, the kernel closed after echoing all of it (the
            // console's lines may reach us after the FIN did: waited for).
            int Closed() => network.Qemu.Output.Split('\n').Count(line => line.Contains($"echo: TCP connection closed, {BytesPerConnection} bytes echoed"));
            var waiting = System.Diagnostics.Stopwatch.StartNew();
            while (Closed() < 2 * Connections && waiting.Elapsed < Step)
                Thread.Sleep(100);
            Assert.Equal(2 * Connections, Closed());
        }
    }

    /// <summary>
    /// <see cref="Connections"/> connections open at once, each sent its own random bytes in turns
    /// of <see cref="Chunk"/> and read back before the next turn; then each closes, and the
    /// kernel closes after it (a read of 0).
    /// </summary>
    private static void EchoOverTcp(IPEndPoint endPoint, int seed)
    {
        var sockets = new Socket[Connections];
        var sent = new byte[Connections][];
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                sockets[i] = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000, SendTimeout = 30_000, NoDelay = true };
                using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                sockets[i].ConnectAsync(endPoint, connect.Token).AsTask().GetAwaiter().GetResult();
                sent[i] = new byte[BytesPerConnection];
                new Random(seed * 10 + i).NextBytes(sent[i]);
            }
            var received = new byte[Chunk];
            for (int offset = 0; offset < BytesPerConnection; offset += Chunk)
            {
                for (int i = 0; i < Connections; i++)
                    sockets[i].Send(sent[i], offset, Chunk, SocketFlags.None);
                for (int i = 0; i < Connections; i++)
                {
                    ReadExactly(sockets[i], received);
                    Assert.True(received.AsSpan().SequenceEqual(sent[i].AsSpan(offset, Chunk)), $"connection {i}: bytes {offset}-{offset + Chunk} came back different");
                }
            }
            foreach (var socket in sockets)
            {
                socket.Shutdown(SocketShutdown.Send);
                Assert.Equal(0, socket.Receive(received));
            }
        }
        finally
        {
            foreach (var socket in sockets)
                socket?.Dispose();
        }
    }

    private static void ReadExactly(Socket socket, byte[] buffer)
    {
        for (int at = 0; at < buffer.Length;)
        {
            int read = socket.Receive(buffer, at, buffer.Length - at, SocketFlags.None);
            Assert.True(read > 0, $"the connection ended after {at} of {buffer.Length} bytes");
            at += read;
        }
    }

    /// <summary>Datagrams of several sizes (up to a full frame's payload), each echoed whole to its sender; a lost one (UDP) is sent again, a few times.</summary>
    private static void EchoOverUdp(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        socket.Connect(endPoint);
        var reply = new byte[2048];
        int largest = endPoint.AddressFamily == AddressFamily.InterNetwork ? 1472 : 1452;
        foreach (int size in new[] { 1, 64, 512, 1000, largest })
        {
            var datagram = new byte[size];
            new Random(size).NextBytes(datagram);
            int length = -1;
            for (int attempt = 0; attempt < 5 && length < 0; attempt++)
            {
                socket.Send(datagram);
                try
                {
                    length = socket.Receive(reply);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                {
                }
            }
            Assert.True(length >= 0, $"no echo of a {size}-byte datagram to {endPoint} in 5 tries");
            Assert.True(reply.AsSpan(0, length).SequenceEqual(datagram), $"the {size}-byte datagram came back as {length} different bytes");
        }
    }
}
