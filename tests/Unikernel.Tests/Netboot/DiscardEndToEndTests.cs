using System.Net.Sockets;
using Unikernel.Tests.Net;
using Unikernel.Tool.Bench;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;
using Xunit.Abstractions;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// The bootloader's discard service (TCP port 9, RFC 863) on each emulated board over a TAP,
/// as `unikernel bench --netboot` uses it: a 4 MiB stream is read to its end, counted with its
/// frames on the console, nothing is sent back, and the board closes after the sender.
/// </summary>
[Collection("Images")]
public sealed class DiscardEndToEndTests(ImageFixture images, ITestOutputHelper log)
{
    [InteropTheory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void A_stream_sent_to_port_9_is_read_to_its_end_and_counted_on_the_console(string board)
    {
        NetworkNamespace.Require("ping", "iputils-ping");
        using var network = EmulatedNetwork.Start(images.Bootloaders[board]);
        string scoped = EmulatedNetwork.Scoped(network.WaitForLinkLocal(TimeSpan.FromSeconds(60)));
        var data = new byte[4 << 20];
        new Random(9).NextBytes(data);
        int backFromBoard = -1;
        network.Inside(() =>
        {
            var address = UploadTarget.Parse(scoped, 9).EndPoint;
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000, SendTimeout = 30_000 };
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            socket.ConnectAsync(address, connect.Token).AsTask().GetAwaiter().GetResult();
            socket.Send(data);
            socket.Shutdown(SocketShutdown.Send);
            backFromBoard = socket.Receive(new byte[64]);
        });
        Assert.Equal(0, backFromBoard);
        var line = network.WaitForConsole(@"discard: \d+ bytes, \d+ frames in \d+ ms", TimeSpan.FromSeconds(30));
        var (bytes, frames, milliseconds) = NetbootFigures.Discard(line.Value)!.Value;
        Assert.Equal(data.Length, bytes);
        Assert.True(frames > 0, line.Value);
        log.WriteLine($"{board}: {line.Value}");
    }
}
