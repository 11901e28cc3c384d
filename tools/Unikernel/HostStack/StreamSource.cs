using Unikernel.Net;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// `hoststack --send BYTES`: a source on TCP port 19, the character generator's port (RFC 864),
/// for the bench's send direction. Unlike chargen it sends a fixed count: each connection gets
/// <see cref="Bytes"/> bytes of a fixed pattern as fast as the send buffer takes them, then our
/// FIN; what the peer sends is read and dropped. Prints
/// <c>tcp 19 sent N bytes in MS ms</c> when a connection's last byte is queued.
/// </summary>
public sealed class StreamSource
{
    /// <summary>The character generator's port (RFC 864).</summary>
    public const ushort Port = 19;

    /// <summary>The pattern sent, repeated: one Send call offers this much at most.</summary>
    private const int ChunkSize = 64 * 1024;

    private readonly NetworkInterface _stack;
    private readonly Action<string> _say;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly byte[] _discard = new byte[ChunkSize];
    private readonly List<Transfer> _transfers = [];

    private sealed class Transfer(TcpHandle connection, long started)
    {
        public TcpHandle Connection { get; } = connection;
        public long Started { get; } = started;
        public long Sent { get; set; }
    }

    public StreamSource(NetworkInterface stack, long bytes, Action<string> say)
    {
        if (bytes < 0)
            throw new ArgumentException($"--send wants a byte count of 0 or more, not {bytes}");
        _stack = stack;
        _say = say;
        Bytes = bytes;
        for (int i = 0; i < _chunk.Length; i++)
            _chunk[i] = (byte)(i * 7 + 1);
        if (!stack.Tcp.Listen(Port))
            throw new InvalidOperationException($"cannot listen on TCP port {Port}");
    }

    /// <summary>Bytes each connection gets.</summary>
    public long Bytes { get; }

    public void Step(long now)
    {
        while (_stack.Tcp.TryAccept(Port, out TcpHandle connection))
            _transfers.Add(new Transfer(connection, now));
        for (int i = _transfers.Count - 1; i >= 0; i--)
        {
            var transfer = _transfers[i];
            while (_stack.Tcp.Receive(transfer.Connection, _discard) > 0)
            {
            }
            while (transfer.Sent < Bytes)
            {
                int count = (int)Math.Min(Bytes - transfer.Sent, ChunkSize);
                int taken = _stack.Tcp.Send(transfer.Connection, _chunk.AsSpan(0, count));
                if (taken < 0)
                {
                    _say($"tcp {Port} connection lost after {transfer.Sent} bytes");
                    _transfers.RemoveAt(i);
                    break;
                }
                if (taken == 0)
                    break;
                transfer.Sent += taken;
            }
            if (transfer.Sent == Bytes)
            {
                _stack.Tcp.Close(transfer.Connection);
                _say($"tcp {Port} sent {transfer.Sent} bytes in {now - transfer.Started} ms");
                _transfers.RemoveAt(i);
            }
        }
    }
}
