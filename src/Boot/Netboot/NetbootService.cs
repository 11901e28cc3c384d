using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Boot.Netboot;

/// <summary>
/// The upload service on TCP port 1337, both families (docs/image-format.md, "The upload
/// protocol"): one upload at a time, read in place from the receive buffer into
/// <see cref="KernelReceiver"/>, the verdict sent back on the connection and printed on the
/// console. After an <c>ok</c> and the close handshake (or a short deadline), <see cref="Step"/>
/// says the kernel is ready; after a refusal the service takes the next upload.
/// </summary>
internal sealed class NetbootService<TConsole> where TConsole : IConsole
{
    public const ushort Port = 1337;

    /// <summary>An upload that sends nothing for this long is dropped, so a stuck peer cannot block the service.</summary>
    public const long IdleTimeoutMilliseconds = 30_000;

    /// <summary>How long to wait, after the verdict, for the peer to acknowledge our FIN before jumping anyway.</summary>
    public const long CloseTimeoutMilliseconds = 1_000;

    private readonly NetworkInterface _stack;
    private readonly KernelReceiver _receiver;
    private int _connection = -1;
    private bool _replied;
    private bool _accepted;
    private long _startedAt;
    private long _lastDataAt;
    private long _closedAt;

    public NetbootService(NetworkInterface stack, KernelReceiver receiver)
    {
        _stack = stack;
        _receiver = receiver;
        if (!stack.TryListenTcp(Port))
            Kernel.Panic("netboot: cannot listen on TCP port 1337"u8);
    }

    public KernelReceiver Receiver => _receiver;

    /// <summary>One turn of the main loop; true when a good kernel is in place and the peer has its answer: jump to <see cref="KernelReceiver.EntryPoint"/>.</summary>
    public bool Step(long now)
    {
        if (_connection < 0)
        {
            if (!_stack.TryAcceptTcp(Port, out _connection))
                return false;
            _receiver.Reset();
            _replied = false;
            _accepted = false;
            _startedAt = _lastDataAt = now;
            ConsoleText<TConsole>.WriteLine("netboot: upload started"u8);
        }

        if (_replied)
            return FinishClose(now);

        while (_stack.TryPeekReceivedTcp(_connection, out var data) && data.Length > 0)
        {
            _receiver.Accept(data);
            _stack.ConsumeTcp(_connection, data.Length);
            _lastDataAt = now;
        }

        // A refused header is answered at once; the rest of the stream is read and dropped until the FIN.
        if (!_receiver.HeaderAccepted && _receiver.Error != ImageError.None && !_replied)
            Reply(_receiver.Error, now, close: false);

        if (_stack.WasResetTcp(_connection) || _stack.StateOfTcp(_connection) == TcpState.Closed)
        {
            ConsoleText<TConsole>.Write("netboot: connection reset after "u8);
            ConsoleText<TConsole>.WriteDecimal(_receiver.Received);
            ConsoleText<TConsole>.WriteLine(" bytes"u8);
            Forget();
            return false;
        }
        if (_stack.IsReceiveFinishedTcp(_connection))
        {
            ImageError verdict = _receiver.Finish();
            if (!_replied)
                Reply(verdict, now, close: true);
            else
                Close(now);
            _accepted = verdict == ImageError.None;
            return false;
        }
        if (now - _lastDataAt > IdleTimeoutMilliseconds)
        {
            ConsoleText<TConsole>.WriteLine("netboot: upload idle for 30 s, dropped"u8);
            _stack.AbortTcp(_connection);
            Forget();
        }
        return false;
    }

    /// <summary>The verdict line (docs/image-format.md) on the connection and the console.</summary>
    private void Reply(ImageError verdict, long now, bool close)
    {
        ReplyText.Clear();
        if (verdict == ImageError.None)
        {
            ConsoleText<ReplyText>.Write("ok "u8);
            ConsoleText<ReplyText>.WriteDecimal(_receiver.PayloadLength);
            ConsoleText<ReplyText>.Write(" sha256 "u8);
            ConsoleText<ReplyText>.WriteHex(_receiver.ReceivedSha256);
            ConsoleText<ReplyText>.Write(", jumping to 0x"u8);
            ConsoleText<ReplyText>.WriteHex(_receiver.EntryPoint, 8);
        }
        else
        {
            ConsoleText<ReplyText>.Write("error: "u8);
            ConsoleText<ReplyText>.Write(KernelImage.Describe(verdict));
            if (verdict == ImageError.PayloadTruncated)
            {
                ConsoleText<ReplyText>.Write(": "u8);
                ConsoleText<ReplyText>.WriteDecimal(_receiver.PayloadReceived);
                ConsoleText<ReplyText>.Write(" of "u8);
                ConsoleText<ReplyText>.WriteDecimal(_receiver.PayloadLength);
                ConsoleText<ReplyText>.Write(" bytes"u8);
            }
            else if (verdict == ImageError.Sha256Mismatch)
            {
                ConsoleText<ReplyText>.Write(": received "u8);
                ConsoleText<ReplyText>.WriteHex(_receiver.ReceivedSha256);
            }
        }
        ConsoleText<TConsole>.Write("netboot: "u8);
        TConsole.Write(ReplyText.Text);
        ConsoleText<TConsole>.WriteLine();
        if (verdict == ImageError.None)
            PrintRate(now);
        ConsoleText<ReplyText>.Write("\n"u8);
        _stack.SendTcp(_connection, ReplyText.Text);
        _replied = true;
        if (close)
            Close(now);
    }

    private void PrintRate(long now)
    {
        long milliseconds = now - _startedAt;
        ConsoleText<TConsole>.Write("netboot: "u8);
        ConsoleText<TConsole>.WriteDecimal(_receiver.Received);
        ConsoleText<TConsole>.Write(" bytes in "u8);
        ConsoleText<TConsole>.WriteDecimal((ulong)milliseconds);
        ConsoleText<TConsole>.Write(" ms"u8);
        if (milliseconds > 0)
        {
            ConsoleText<TConsole>.Write(", "u8);
            ConsoleText<TConsole>.WriteDecimal(_receiver.Received / (ulong)milliseconds / 1000);
            ConsoleText<TConsole>.Write(" MB/s"u8);
        }
        ConsoleText<TConsole>.WriteLine();
    }

    private void Close(long now)
    {
        _stack.CloseTcp(_connection);
        _closedAt = now;
    }

    /// <summary>After the verdict: wait for the close handshake (our reply and FIN acknowledged) or its deadline.</summary>
    private bool FinishClose(long now)
    {
        if (!_stack.IsReceiveFinishedTcp(_connection))
        {
            // A refused upload: drop what still comes until the FIN, then close.
            while (_stack.TryPeekReceivedTcp(_connection, out var data) && data.Length > 0)
            {
                _receiver.Accept(data);
                _stack.ConsumeTcp(_connection, data.Length);
                _lastDataAt = now;
            }
            if (_stack.IsReceiveFinishedTcp(_connection))
                Close(now);
            else if (now - _lastDataAt > IdleTimeoutMilliseconds)
            {
                _stack.AbortTcp(_connection);
                Forget();
            }
            return false;
        }
        var state = _stack.StateOfTcp(_connection);
        bool done = state == TcpState.Closed || state == TcpState.TimeWait;
        if (!done && now - _closedAt < CloseTimeoutMilliseconds)
            return false;
        bool jump = _accepted;
        Forget();
        return jump;
    }

    private void Forget()
    {
        _connection = -1;
        _replied = false;
    }
}
