using System.Net;
using System.Net.Sockets;
using Unikernel.Tool.HostStack;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// netem for an emulated board on a kernel without the netem qdisc (this VM's has none): QEMU's
/// NIC goes to a UDP socket (<c>-netdev socket</c>) instead of a TAP, and this relay, on a thread
/// inside the namespace, joins it to a TAP that Linux uses. What Linux sends passes through
/// <see cref="ImpairedDevice"/> (netem's words: <c>loss 5% delay 10ms reorder 25% 50%</c>) on its
/// way to the board, as netem on Linux's interface would impair it; what the board sends is passed
/// on untouched.
/// </summary>
public sealed class ImpairedRelay : IDisposable
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _ready = new();
    private volatile bool _stop;
    private Exception? _failure;

    /// <param name="relayPort">The relay's UDP port on the namespace's loopback.</param>
    /// <param name="qemuPort">QEMU's UDP port on it.</param>
    public ImpairedRelay(string namespaceName, string tap, string profile, int relayPort, int qemuPort, int seed = 1)
    {
        QemuArguments = ["-netdev", $"socket,id={Netdev},udp=127.0.0.1:{relayPort},localaddr=127.0.0.1:{qemuPort}"];
        _thread = new Thread(() => NamespaceThread.Run(namespaceName, () => Relay(tap, profile, relayPort, qemuPort, seed))) { IsBackground = true, Name = "impaired relay" };
        _thread.Start();
        if (!_ready.Wait(TimeSpan.FromSeconds(10)) || _failure is not null)
            throw new InvalidOperationException($"the impaired relay did not start: {_failure?.Message}", _failure);
    }

    /// <summary>The id of the relay's netdev, for the board's NIC (<see cref="QemuCommand.Nic"/>).</summary>
    public const string Netdev = "net0";

    /// <summary>QEMU's netdev on the relay's socket.</summary>
    public string[] QemuArguments { get; }

    /// <summary>Frames relayed each way.</summary>
    public long ToBoard { get; private set; }

    public long FromBoard { get; private set; }

    private void Relay(string tapName, string profile, int relayPort, int qemuPort, int seed)
    {
        try
        {
            using var tap = TapDevice.Open(tapName);
            var impaired = new ImpairedDevice(tap, profile, seed);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, relayPort));
            socket.Blocking = false;
            var qemu = new IPEndPoint(IPAddress.Loopback, qemuPort);
            var frame = new byte[2048];
            _ready.Set();
            while (!_stop)
            {
                impaired.WaitReadable(1);
                for (; impaired.TryReceive(out Span<byte> lent); ToBoard++)
                {
                    socket.SendTo(lent, SocketFlags.None, qemu);
                    impaired.Release();
                }
                while (socket.Available > 0)
                {
                    int length = socket.Receive(frame);
                    tap.Send(frame.AsSpan(0, length));
                    FromBoard++;
                }
            }
        }
        catch (Exception error) when (!_stop)
        {
            _failure = error;
            _ready.Set();
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
        _ready.Dispose();
    }
}
