namespace Unikernel.Net;

/// <summary>
/// The link a <see cref="NetworkInterface"/> runs on: the EMAC driver on the boards, a Linux
/// TAP device on the host. Whole Ethernet frames without FCS, copied in and out of buffers the
/// caller owns; neither side allocates. On bare metal implement it with a struct, so calls
/// through <see cref="NetworkRunner{TDevice}"/> are direct.
/// </summary>
public interface INetworkDevice
{
    /// <summary>Copies the next received frame into <paramref name="frame"/>; its length, or 0 when none is waiting.</summary>
    int Receive(Span<byte> frame);

    /// <summary>Queues one frame for sending; false if the device cannot take it now (its ring is full).</summary>
    bool Send(ReadOnlySpan<byte> frame);
}
