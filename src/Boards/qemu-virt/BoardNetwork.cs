using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Drivers.Virtio;
using Unikernel.Hardware;
using Unikernel.Net.Wire;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>
/// QEMU virt's network card: a virtio-net-device on the virtio-mmio slot the board file names
/// (hardware/boards/qemu-virt.yaml, network), interrupt-driven, its queues and buffers in cacheable RAM
/// from the heap (virtio is cache coherent: <see cref="CoherentDma"/>), its MAC address the
/// device's. Owns the driver and adapts it to the stack's device interface.
/// </summary>
internal readonly struct BoardNetwork : IBoardNetwork<BoardNetwork>
{
    /// <summary>Receive buffers: a queue of 128 descriptors (QEMU offers 256), room for a TCP window's burst.</summary>
    private const int ReceiveBuffers = 64;

    private const int TransmitBuffers = 32;

    /// <summary>The card's GIC interrupt ID (SPI 16 + slot), from the board file: the main loop sleeps until it or a deadline.</summary>
    public static uint InterruptId => (uint)BoardFile.Network.Irq;

    private readonly VirtioNetDriver<DirectMmio, GenericTimerClock, CoherentDma> _nic;

    private BoardNetwork(VirtioNetDriver<DirectMmio, GenericTimerClock, CoherentDma> nic)
    {
        _nic = nic;
    }

    public static bool TryStart(out BoardNetwork network)
    {
        nuint length = VirtioNetMemory.RequiredLength(ReceiveBuffers, TransmitBuffers);
        nuint memory = DmaBlock.Allocate(length, VirtioNetMemory.PageSize);
        var nic = new VirtioNetDriver<DirectMmio, GenericTimerClock, CoherentDma>(
            new VirtioMmio<DirectMmio>(BoardFile.Network.Base), new VirtioNetMemory(memory, length, ReceiveBuffers, TransmitBuffers));
        network = new BoardNetwork(nic);
        // Used only if the device has no address of its own (no VIRTIO_NET_F_MAC): locally
        // administered, from the counter, different each boot.
        var fallback = new EthernetAddress(0x02_00_00_00_00_00UL | (GenericTimer.Counter & 0xFF_FFFF_FFFF));
        VirtioNetStatus status = nic.Start(fallback);
        if (status != VirtioNetStatus.Ok)
        {
            StatusLine<Board>.Fail("Ethernet: "u8);
            ConsoleText<Board>.WriteLine(VirtioNetStatusText.Describe(status));
            return false;
        }
        StatusLine<Board>.Ok("Ethernet "u8);
        AddressText<Board>.Write(new MacAddress(nic.Address.Value));
        ConsoleText<Board>.WriteLine(nic.AddressFromDevice ? ", virtio-net (legacy virtio-mmio)" : ", virtio-net (legacy virtio-mmio), address made up: the device has none");
        return true;
    }

    public MacAddress Mac => new(_nic.Address.Value);

    public void Stop() => _nic.Stop();

    public bool TryReceive(out Span<byte> frame) => _nic.TryReceive(out frame);

    public void Release() => _nic.Release();

    public bool Send(ReadOnlySpan<byte> frame) => _nic.Send(frame);

    /// <summary>Reads and acknowledges the card's interrupt status, so its level on <see cref="InterruptId"/> drops.</summary>
    public static void AcknowledgeInterrupt() =>
        VirtioNetDriver<DirectMmio, GenericTimerClock, CoherentDma>.AcknowledgeInterrupt(new VirtioMmio<DirectMmio>(BoardFile.Network.Base));
}
