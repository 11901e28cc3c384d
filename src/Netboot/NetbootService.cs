using Unikernel.Boot.Image;
using Unikernel.Net;

namespace Unikernel.Netboot;

/// <summary>
/// The upload service on TCP port 1337, both families (docs/image-format.md, "The upload
/// protocol"): one upload at a time, its payload taken straight from each received segment into a
/// <see cref="KernelReceiver{TDestination}"/> (the connection's <see cref="TcpReceiveSink"/>; what
/// the receive buffer held back is read there in place), the verdict sent back on the connection and told
/// to <typeparamref name="TReport"/>. After an <c>ok</c> and the close handshake (or a short
/// deadline), <see cref="Step"/> says the kernel is ready; after a refusal the service takes the
/// next upload. Several instances on one interface serve uploads side by side (hoststack).
/// </summary>
/// <typeparam name="TDestination">Where the payload goes: its load address on a board.</typeparam>
/// <typeparam name="TReport">Who hears of each upload: the board's console, hoststack's log.</typeparam>
public sealed class NetbootService<TDestination, TReport> : TcpReceiveSink
    where TDestination : struct, IPayloadDestination
    where TReport : struct, INetbootReport
{
    public const ushort Port = 1337;

    /// <summary>An upload that sends nothing for this long is dropped, so a stuck peer cannot block the service.</summary>
    public const long IdleTimeoutMilliseconds = 30_000;

    /// <summary>How long to wait, after the verdict, for the peer to acknowledge our FIN before going on anyway.</summary>
    public const long CloseTimeoutMilliseconds = 1_000;

    private enum Phase : byte
    {
        /// <summary>No connection: the next one is accepted.</summary>
        Idle,
        /// <summary>Reading the image, no verdict yet.</summary>
        Receiving,
        /// <summary>Refused at its header: the rest is read and dropped until the peer's FIN, so the reply is not lost to a reset.</summary>
        Draining,
        /// <summary>Our side closed after the verdict: waiting for the close handshake.</summary>
        Closing,
    }

    private readonly TcpSocketSet _tcp;
    private readonly KernelReceiver<TDestination> _receiver;
    private readonly ReplyLine _reply = new();
    private readonly UploadSlot _slot;
    private readonly UploadHistory? _history;
    private IpEndpoint _peer;
    private TReport _report;
    private TcpHandle _connection;
    private Phase _phase;
    private bool _accepted;
    private long _startedAt;
    private long _lastDataAt;
    private long _closedAt;

    /// <summary>The sink took bytes since the last <see cref="Step"/>: the upload is alive.</summary>
    private bool _offered;

    /// <summary>
    /// Listens on <see cref="Port"/>; false from <see cref="IsListening"/> if no listener slot was
    /// free. <paramref name="slot"/> is shared with another door to the same receiver (the web
    /// page), <paramref name="history"/> hears of every upload that ends.
    /// </summary>
    public NetbootService(NetworkInterface stack, KernelReceiver<TDestination> receiver, TReport report, UploadSlot? slot = null, UploadHistory? history = null)
    {
        _tcp = stack.Tcp;
        _receiver = receiver;
        _report = report;
        _slot = slot ?? new UploadSlot();
        _history = history;
        IsListening = Listen();
    }

    public bool IsListening { get; }

    public KernelReceiver<TDestination> Receiver => _receiver;

    /// <summary>The report, with whatever state it keeps.</summary>
    public ref TReport Report => ref _report;

    /// <summary>True while an upload is under way (accepted, not yet closed).</summary>
    public bool Busy => _phase != Phase.Idle;

    /// <summary>
    /// When <see cref="Step"/> next has something to do by the clock alone: the idle or close
    /// deadline of the upload under way; <see cref="long.MaxValue"/> when idle (only a frame
    /// brings work then). A main loop that sleeps wakes by this time.
    /// </summary>
    public long NextStepAt => _phase switch
    {
        Phase.Idle => long.MaxValue,
        Phase.Closing => _closedAt + CloseTimeoutMilliseconds,
        _ => _lastDataAt + IdleTimeoutMilliseconds + 1,
    };

    /// <summary>How long the upload under way has run.</summary>
    public long Elapsed(long now) => now - _startedAt;

    /// <summary>One turn of the main loop; true when a good kernel is in place and the peer has its answer: jump to <see cref="KernelReceiver{TDestination}.EntryPoint"/>.</summary>
    public bool Step(long now)
    {
        if (_phase == Phase.Idle)
        {
            // While the web page's upload holds the receiver, a connection waits in the backlog.
            if (!_slot.TryTake(UploadChannel.Tcp))
                return false;
            if (!TryAccept())
            {
                _slot.Release(UploadChannel.Tcp);
                return false;
            }
            _peer = _tcp.RemoteOf(_connection);
            _receiver.Reset();
            _accepted = false;
            _startedAt = _lastDataAt = now;
            _phase = Phase.Receiving;
            _report.Started();
            SetReceiveSink(this);
        }
        if (_phase == Phase.Closing)
            return FinishClose(now);

        Receive(now);
        // A refused header is answered at once; the rest of the stream is read and dropped until the FIN.
        if (_phase == Phase.Receiving && !_receiver.HeaderAccepted && _receiver.Error != ImageError.None && !IsRawStream(finished: false))
        {
            Reply(_receiver.Error, now);
            _phase = Phase.Draining;
        }

        if (_phase == Phase.Receiving && WasReset())
        {
            _report.Reset(_receiver.Received);
            Record(UploadOutcome.Reset, ImageError.None, now);
            BecomeIdle();
        }
        else if (PeerFinished())
        {
            if (_phase == Phase.Receiving)
                Verdict(now);
            Close();
            _closedAt = now;
            _phase = Phase.Closing;
        }
        else if (now - _lastDataAt > IdleTimeoutMilliseconds)
        {
            if (_phase == Phase.Receiving)
            {
                _report.IdleDropped();
                Record(UploadOutcome.TimedOut, ImageError.None, now);
            }
            Abort();
            BecomeIdle();
        }
        return false;
    }

    /// <summary>
    /// What the connection held back from <see cref="Offer"/> (out of order, or before the sink
    /// was set): each contiguous run of the receive buffer, read in place, then freed.
    /// </summary>
    private void Receive(long now)
    {
        for (var data = Peek(); data.Length > 0; data = Peek())
        {
            Take(data);
            Consume(data.Length);
        }
        if (_offered)
            _lastDataAt = now;
        _offered = false;
    }

    /// <summary>
    /// The upload's next bytes, straight from the segment that brought them, while it is read
    /// (receiving, or draining after a refusal); all of them are taken.
    /// </summary>
    public override int Offer(ReadOnlySpan<byte> data)
    {
        if (_phase is not (Phase.Receiving or Phase.Draining))
            return 0;
        Take(data);
        return data.Length;
    }

    private void Take(ReadOnlySpan<byte> data)
    {
        _report.Received(data);
        _receiver.Accept(data);
        _offered = true;
    }

    /// <summary>A stream without the image magic in its first 64 bytes, where the report takes such streams.</summary>
    private bool IsRawStream(bool finished) =>
        TReport.TakesRawStreams && (_receiver.Error == ImageError.BadMagic || (finished && _receiver.Received < KernelImage.FixedHeaderLength));

    private void Verdict(long now)
    {
        ImageError verdict = _receiver.Finish();
        if (IsRawStream(finished: true))
        {
            _report.RawStream(_receiver.Received, now - _startedAt);
            return;
        }
        Reply(verdict, now);
        _accepted = verdict == ImageError.None;
    }

    /// <summary>The verdict line (docs/image-format.md) on the connection, to the report and into the history.</summary>
    private void Reply(ImageError verdict, long now)
    {
        _reply.Clear();
        _reply.AppendVerdict(_receiver, verdict);
        _report.Replied(_reply.Text, verdict == ImageError.None, _receiver.Received, now - _startedAt);
        Record(verdict == ImageError.None ? UploadOutcome.Accepted : UploadOutcome.Refused, verdict, now);
        _reply.Append("\n"u8);
        Send(_reply.Text);
    }

    private void Record(UploadOutcome outcome, ImageError verdict, long now) =>
        _history?.Record(new UploadRecord(UploadChannel.Tcp, _peer, outcome, verdict, _receiver.Received, now - _startedAt, now));

    /// <summary>The upload is over: the receiver is free for the next one, through either door.</summary>
    private void BecomeIdle()
    {
        _phase = Phase.Idle;
        _slot.Release(UploadChannel.Tcp);
    }

    /// <summary>After the verdict: wait for the close handshake (our reply and FIN acknowledged) or its deadline.</summary>
    private bool FinishClose(long now)
    {
        if (!IsClosed() && now - _closedAt < CloseTimeoutMilliseconds)
            return false;
        BecomeIdle();
        return _accepted;
    }

    // The network interface's socket API, all of it, in one place.

    private bool Listen() => _tcp.Listen(Port);

    private bool TryAccept() => _tcp.TryAccept(Port, out _connection);

    private Span<byte> Peek() => _tcp.TryPeekReceived(_connection, out var data) ? data : default;

    private void Consume(int count) => _tcp.Consume(_connection, count);

    private bool WasReset() => _tcp.WasReset(_connection) || _tcp.StateOf(_connection) == TcpState.Closed;

    /// <summary>The state of the upload's connection (for a report on one that did not finish).</summary>
    public TcpState ConnectionState => _tcp.StateOf(_connection);

    /// <summary>The peer closed its side and every byte it sent was read (or it reset the connection).</summary>
    public bool PeerFinished() => _tcp.IsReceiveFinished(_connection);

    private bool IsClosed() => _tcp.StateOf(_connection) is TcpState.Closed or TcpState.TimeWait;

    private void Send(ReadOnlySpan<byte> data) => _tcp.Send(_connection, data);

    private void SetReceiveSink(TcpReceiveSink? sink) => _tcp.SetReceiveSink(_connection, sink);

    // The sink goes first: what the connection still brings must not reach the next upload.
    private void Close()
    {
        SetReceiveSink(null);
        _tcp.Close(_connection);
    }

    private void Abort()
    {
        SetReceiveSink(null);
        _tcp.Abort(_connection);
    }
}
