using Unikernel.Net;
using Unikernel.Net.Wire;

namespace Unikernel.Boot;

/// <summary>
/// A board's Ethernet as the netboot program takes it (each board folder's <c>BoardNetwork</c>):
/// started once, then handed by value to <see cref="NetworkRunner{TDevice}"/>. A struct that
/// owns the driver it adapts to the stack's <see cref="INetworkDevice"/> (on the Allwinner boards
/// <c>EmacDriver</c>, whose frames are spans and whose address is the drivers' own type), so the
/// runner's calls go straight to the driver.
/// </summary>
internal interface IBoardNetwork<TSelf> : INetworkDevice
    where TSelf : struct, IBoardNetwork<TSelf>
{
    /// <summary>
    /// Brings the Ethernet up (clocks, pins, PHY, the link awaited) with a status line.
    /// <paramref name="network"/> is usable only when it returns true; false after printing why.
    /// </summary>
    static abstract bool TryStart(out TSelf network);

    /// <summary>The address the device filters for, and the stack's interface is to use.</summary>
    MacAddress Mac { get; }

    /// <summary>Stops the device's DMA (and its interrupt) before a kernel takes the memory its rings are in.</summary>
    void Stop();

    /// <summary>
    /// The device's GIC interrupt ID, level-triggered, high while a received frame or a sent one
    /// is not yet acknowledged (<see cref="AcknowledgeInterrupt"/>); 0 when the device has no
    /// interrupt wired (IDs 0-15 are SGIs, never a device's), and the main loop then polls.
    /// </summary>
    static abstract uint InterruptId { get; }

    /// <summary>
    /// Drops the device's interrupt (clears its status): what its interrupt handler does, and
    /// what the main loop does before it looks for frames, so one that comes after the look
    /// raises the interrupt again and wakes the sleep. Static: a handler has no device instance.
    /// </summary>
    static abstract void AcknowledgeInterrupt();
}
