namespace Unikernel.Net;

/// <summary>
/// Moves frames between a device and an interface: each received frame through
/// <see cref="NetworkInterface.Process"/> with its reply sent back, and what the interface
/// originates (<see cref="NetworkInterface.Poll"/>) sent out. A received frame is processed
/// where the device lent it (no copy); its two outgoing frame buffers are made once, here; a main loop calls <see cref="ReceiveOne"/> until it returns false, then
/// <see cref="Flush"/>, and sleeps until a frame arrives or <see cref="NetworkInterface.NextPollAt"/>.
/// </summary>
public sealed class NetworkRunner<TDevice>
    where TDevice : INetworkDevice
{
    /// <summary>An Ethernet frame at the standard MTU, and room for a VLAN tag and FCS a device may leave on.</summary>
    public const int FrameBufferSize = 1536;

    private readonly NetworkInterface _interface;
    private readonly byte[] _reply = new byte[FrameBufferSize];
    private readonly byte[] _outgoing = new byte[FrameBufferSize];
    // Readonly: calls then go straight to a struct device's copy; a mutable generic field makes the
    // C# compiler test default(TDevice) for null with a box, which bare metal cannot do.
    private readonly TDevice _device;

    public NetworkRunner(TDevice device, NetworkInterface networkInterface)
    {
        _device = device;
        _interface = networkInterface;
    }

    public NetworkInterface Interface => _interface;

    /// <summary>Frames the device refused to take (its ring full): they are lost, as on a congested wire.</summary>
    public ulong SendRefused { get; private set; }

    /// <summary>Handles one received frame, if one is waiting, at time <paramref name="now"/>; false when the device has none.</summary>
    public bool ReceiveOne(long now)
    {
        if (!_device.TryReceive(out Span<byte> frame))
            return false;
        _interface.AdvanceClock(now);
        int reply = _interface.Process(frame, _reply);
        // The reply is in its own buffer: the device may have the frame's buffer back before it goes out.
        _device.Release();
        if (reply > 0)
            Send(_reply.AsSpan(0, reply));
        return true;
    }

    /// <summary>Sends everything the interface has due at <paramref name="now"/>; returns how many frames.</summary>
    public int Flush(long now)
    {
        int count = 0;
        for (int length; (length = _interface.Poll(now, _outgoing)) > 0; count++)
            Send(_outgoing.AsSpan(0, length));
        return count;
    }

    /// <summary>
    /// One turn of a main loop on <typeparamref name="TClock"/>'s time: every waiting frame
    /// handled, then everything due sent. Returns how many frames came in.
    /// </summary>
    public int Step<TClock>()
        where TClock : IMonotonicClock
    {
        int received = 0;
        while (ReceiveOne(TClock.Milliseconds))
            received++;
        Flush(TClock.Milliseconds);
        return received;
    }

    private void Send(ReadOnlySpan<byte> frame)
    {
        if (!_device.Send(frame))
            SendRefused++;
    }
}
