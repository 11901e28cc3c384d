using Unikernel.Net;

namespace Unikernel.Netboot;

/// <summary>
/// The discard service on TCP port 9 (RFC 863): everything received is thrown away, and the
/// connection is closed when the peer closes. One connection at a time; it counts the bytes and
/// the frames the interface received meanwhile, so `unikernel bench --netboot` can time our TCP
/// receive path without the SHA-256 and the copy to the load address that an upload adds.
/// </summary>
/// <typeparam name="TReport">Who hears of each connection: the board's console, hoststack's log.</typeparam>
public sealed class DiscardService<TReport> where TReport : struct, IDiscardReport
{
    public const ushort Port = 9;

    /// <summary>A connection that sends nothing for this long is aborted, so a vanished peer cannot hold the service.</summary>
    public const long IdleTimeoutMilliseconds = 30_000;

    private readonly NetworkInterface _stack;
    private TReport _report;
    private TcpHandle _connection;
    private bool _busy;
    private ulong _bytes;
    private ulong _framesAtStart;
    private long _startedAt;
    private long _lastDataAt;

    /// <summary>Listens on <see cref="Port"/>; false from <see cref="IsListening"/> if no listener slot was free.</summary>
    public DiscardService(NetworkInterface stack, TReport report)
    {
        _stack = stack;
        _report = report;
        IsListening = stack.Tcp.Listen(Port);
    }

    public bool IsListening { get; }

    /// <summary>The report, with whatever state it keeps.</summary>
    public ref TReport Report => ref _report;

    /// <summary>Bytes read on the connection under way (or the last one).</summary>
    public ulong Received => _bytes;

    /// <summary>When <see cref="Step"/> must run by the clock alone: the idle deadline of a connection; <see cref="long.MaxValue"/> with none.</summary>
    public long NextStepAt => _busy ? _lastDataAt + IdleTimeoutMilliseconds + 1 : long.MaxValue;

    /// <summary>One turn of the main loop: accept, read and drop what came, close after the peer.</summary>
    public void Step(long now)
    {
        var tcp = _stack.Tcp;
        if (!_busy)
        {
            if (!tcp.TryAccept(Port, out _connection))
                return;
            _busy = true;
            _bytes = 0;
            _framesAtStart = _stack.Counters.Received;
            _startedAt = _lastDataAt = now;
        }
        // Each contiguous run of the receive buffer, freed in place: no copy.
        while (tcp.TryPeekReceived(_connection, out var data) && data.Length > 0)
        {
            tcp.Consume(_connection, data.Length);
            _bytes += (ulong)data.Length;
            _lastDataAt = now;
        }
        if (tcp.WasReset(_connection) || tcp.StateOf(_connection) == TcpState.Closed)
        {
            _report.Dropped(_bytes);
            _busy = false;
        }
        else if (tcp.IsReceiveFinished(_connection))
        {
            _report.Finished(_bytes, _stack.Counters.Received - _framesAtStart, now - _startedAt);
            // RFC 863 sends nothing back: our FIN follows the peer's.
            tcp.Close(_connection);
            _busy = false;
        }
        else if (now - _lastDataAt > IdleTimeoutMilliseconds)
        {
            _report.Dropped(_bytes);
            tcp.Abort(_connection);
            _busy = false;
        }
    }
}
