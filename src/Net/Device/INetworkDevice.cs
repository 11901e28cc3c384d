namespace Unikernel.Net;

/// <summary>
/// The link a <see cref="NetworkInterface"/> runs on: the EMAC driver on the boards, a Linux
/// TAP device on the host. Whole Ethernet frames without FCS: received ones lent in place from
/// the device's own buffer (the DMA ring on the boards) until <see cref="Release"/>, sent ones
/// copied out of a buffer the caller owns; neither side allocates. On bare metal implement it
/// with a struct, so calls through <see cref="NetworkRunner{TDevice}"/> are direct.
/// </summary>
public interface INetworkDevice
{
    /// <summary>Lends the next received frame in place; false when none is waiting. The frame stays valid until <see cref="Release"/>.</summary>
    bool TryReceive(out Span<byte> frame);

    /// <summary>Gives the lent frame's buffer back to the device (to the DMA ring on the boards).</summary>
    void Release();

    /// <summary>Queues one frame for sending; false if the device cannot take it now (its ring is full).</summary>
    bool Send(ReadOnlySpan<byte> frame);
}
