using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Virtio;

/// <summary>
/// A virtio network card over legacy virtio-mmio (hardware/blocks/virtio-mmio.yaml), polled:
/// queue 0 receives, queue 1 transmits, each buffer a chain of two descriptors (virtio-net
/// header, then the frame) in caller-provided memory (<see cref="VirtioNetMemory"/>).
/// <para>Legacy (version 1), because it is what QEMU 7.2's virt machine offers by default: any
/// command line with <c>-device virtio-net-device</c> works, with no
/// <c>-global virtio-mmio.force-legacy=false</c>; and the legacy set-up is the shorter one (one
/// 32-bit feature word, no FEATURES_OK round, one page number per queue). A modern-only device
/// is refused with a clear reason.</para>
/// <para>Life: <see cref="Start"/> (checks, reset, features, queues, DRIVER_OK, every receive
/// buffer offered), then <see cref="TryReceive"/> (with <see cref="Release"/>) and
/// <see cref="Send"/>; <see cref="Stop"/> resets the device so it lets go of the memory.</para>
/// Sources: virtio spec 1.1 (2.1 status, 2.6 split virtqueues, 3.1 initialisation, 4.2.4 legacy
/// MMIO, 5.1 network device), QEMU hw/virtio/virtio-mmio.c and hw/net/virtio-net.c (what the
/// emulator does with each register).
/// <para>Memory: virtio devices are cache coherent with the driver (the spec's model; on QEMU
/// the device reads guest RAM through the host's memory and TCG models no caches), so the
/// board gives cacheable RAM and <see cref="CoherentDma"/>; the <typeparamref name="TDma"/>
/// hooks are called at every hand-over all the same, so a non-coherent platform only needs
/// another type.</para>
/// </summary>
public sealed class VirtioNetDriver<TBus, TClock, TDma>
    where TBus : IMmio
    where TClock : IMonotonicClock
    where TDma : IDmaMemory
{
    /// <summary>How long the reset may take; QEMU's is immediate.</summary>
    public const long ResetTimeoutMilliseconds = 100;

    /// <summary>The legacy virtio-net header without MRG_RXBUF: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (spec 1.1 5.1.6).</summary>
    public const int HeaderLength = 10;

    /// <summary>The largest frame sent or taken: a buffer.</summary>
    public const int MaxFrameLength = VirtioNetMemory.BufferStride;

    private const int ReceiveQueueIndex = 0;
    private const int TransmitQueueIndex = 1;

    private readonly VirtioMmio<TBus> _device;
    private readonly VirtioNetMemory _memory;
    private readonly ushort[] _transmitFree;
    private SplitVirtqueue<TDma> _receive;
    private SplitVirtqueue<TDma> _transmit;
    private int _transmitFreeCount;
    private int _lentHead;
    private bool _lent;
    private bool _started;

    /// <param name="device">The device's registers, e.g. <c>QemuVirt&lt;DirectMmio&gt;.Virtio31</c>.</param>
    /// <param name="memory">Queue and buffer memory, made at start-up (<see cref="VirtioNetMemory.RequiredLength"/>).</param>
    public VirtioNetDriver(VirtioMmio<TBus> device, VirtioNetMemory memory)
    {
        _device = device;
        _memory = memory;
        _transmitFree = new ushort[memory.TransmitBuffers];
        _receive = new SplitVirtqueue<TDma>(memory.ReceiveQueue, 2 * memory.ReceiveBuffers);
        _transmit = new SplitVirtqueue<TDma>(memory.TransmitQueue, 2 * memory.TransmitBuffers);
    }

    /// <summary>The MAC address: the device's (VIRTIO_NET_F_MAC), or the one <see cref="Start"/> was given when it has none.</summary>
    public EthernetAddress Address { get; private set; }

    /// <summary>True when the address came from the device.</summary>
    public bool AddressFromDevice { get; private set; }

    /// <summary>Received chains dropped: a head the driver never offered, or a length no frame has.</summary>
    public ulong ReceiveErrors { get; private set; }

    /// <summary>Sends refused because every transmit buffer was still the device's.</summary>
    public ulong TransmitRingFull { get; private set; }

    /// <summary>Frames handed to the device so far.</summary>
    public ulong Transmitted { get; private set; }

    /// <summary>Queue notifications written (QUEUE_NOTIFY), each an exit to the emulator.</summary>
    public ulong Notifications { get; private set; }

    /// <summary>
    /// Checks the device, resets it, accepts the MAC feature if offered, gives it both queues,
    /// says DRIVER_OK and offers every receive buffer (virtio spec 1.1 3.1.1 with the legacy
    /// steps of 4.2.4). <paramref name="fallbackAddress"/> is used when the device has no MAC.
    /// On a failure the device is left FAILED (spec 3.1.1 step 8) or untouched if it is none.
    /// </summary>
    public VirtioNetStatus Start(EthernetAddress fallbackAddress)
    {
        _started = false;
        _lent = false;
        if (!_memory.IsValid)
            return VirtioNetStatus.BadMemory;
        if (_device.MagicValue.Read().Raw != VirtioMmio.MagicValue.Reset.Raw)
            return VirtioNetStatus.BadMagic;
        if (_device.Version.Read().VersionField != VirtioMmio.Version.VersionFieldValue.Legacy)
            return VirtioNetStatus.UnsupportedVersion;
        var kind = _device.DeviceId.Read().DeviceIdField;
        if (kind == VirtioMmio.DeviceId.DeviceIdFieldValue.None)
            return VirtioNetStatus.NoDevice;
        if (kind != VirtioMmio.DeviceId.DeviceIdFieldValue.Network)
            return VirtioNetStatus.NotNetworkDevice;

        _device.Status.Write(VirtioMmio.Status.Zero);
        long deadline = TClock.Milliseconds + ResetTimeoutMilliseconds;
        while (_device.Status.Read().Raw != 0)
        {
            if (TClock.Milliseconds >= deadline)
                return VirtioNetStatus.ResetTimeout;
        }
        var status = VirtioMmio.Status.Zero.WithAcknowledge(true);
        _device.Status.Write(status);
        status = status.WithDriver(true);
        _device.Status.Write(status);

        // Only the MAC: no offloads (the stack fills every checksum), no merged buffers (a frame
        // fits a buffer), no control queue, no event index (the flags suppress notifications).
        _device.DeviceFeaturesSel.Write(new VirtioMmio.DeviceFeaturesSel(0));
        var offered = new VirtioNetFeatures.Word0(_device.DeviceFeatures.Read().Raw);
        var accepted = VirtioNetFeatures.Word0.Zero.WithMac(offered.Mac);
        _device.DriverFeaturesSel.Write(new VirtioMmio.DriverFeaturesSel(0));
        _device.DriverFeatures.Write(new VirtioMmio.DriverFeatures(accepted.Raw));

        _device.GuestPageSize.Write(new VirtioMmio.GuestPageSize(VirtioNetMemory.PageSize));
        VirtioNetStatus queues = SetUpQueue(ReceiveQueueIndex, _receive);
        if (queues == VirtioNetStatus.Ok)
            queues = SetUpQueue(TransmitQueueIndex, _transmit);
        if (queues != VirtioNetStatus.Ok)
        {
            _device.Status.Write(status.WithFailed(true));
            return queues;
        }

        AddressFromDevice = accepted.Mac;
        Address = accepted.Mac ? ReadDeviceAddress() : fallbackAddress;
        FillQueues();
        _device.Status.Write(status.WithDriverOk(true));
        _started = true;
        Notify(ReceiveQueueIndex);
        return VirtioNetStatus.Ok;
    }

    /// <summary>Resets the device, which stops it using the queues and buffers (spec 1.1 2.1.2); <see cref="Start"/> brings it back.</summary>
    public void Stop()
    {
        _device.Status.Write(VirtioMmio.Status.Zero);
        _started = false;
        _lent = false;
    }

    /// <summary>
    /// Lends the next received frame in place: <paramref name="frame"/> spans its buffer (after
    /// the header, in a descriptor of its own), which stays the driver's until
    /// <see cref="Release"/> (asking again without it gives that buffer back first). Chains that
    /// make no sense are counted and given back on the way. False when none is waiting.
    /// </summary>
    public bool TryReceive(out Span<byte> frame)
    {
        frame = default;
        if (!_started)
            return false;
        if (_lent)
            Release();
        while (_receive.TryTakeUsed(out int head, out uint written))
        {
            if (head % 2 != 0 || head >= _receive.Size)
            {
                // Not a head we offered: nothing to give back, and the buffer it names stays lost.
                ReceiveErrors++;
                continue;
            }
            int length = (int)written - HeaderLength;
            if (length <= 0 || length > VirtioNetMemory.BufferStride)
            {
                ReceiveErrors++;
                OfferReceive(head);
                continue;
            }
            nuint buffer = _memory.Buffer(head / 2);
            TDma.InvalidateForCpu(buffer, (nuint)length);
            unsafe
            {
                frame = new Span<byte>((void*)buffer, length);
            }
            _lentHead = head;
            _lent = true;
            return true;
        }
        return false;
    }

    /// <summary>Gives the frame <see cref="TryReceive"/> lent back to the device; nothing when none is lent.</summary>
    public void Release()
    {
        if (!_lent)
            return;
        _lent = false;
        // The stack may have written into the frame: drop those lines before the device fills
        // the buffer again (a no-op where the device is coherent).
        TDma.InvalidateForCpu(_memory.Buffer(_lentHead / 2), VirtioNetMemory.BufferStride);
        OfferReceive(_lentHead);
    }

    /// <summary>Copies <paramref name="frame"/> into a free transmit buffer and offers it; false when all are in flight, the frame is too big, or not started.</summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (!_started || frame.Length == 0 || frame.Length > MaxFrameLength)
            return false;
        ReclaimTransmitted();
        if (_transmitFreeCount == 0)
        {
            TransmitRingFull++;
            return false;
        }
        int index = _transmitFree[--_transmitFreeCount];
        nuint buffer = _memory.Buffer(_memory.ReceiveBuffers + index);
        unsafe
        {
            frame.CopyTo(new Span<byte>((void*)buffer, frame.Length));
        }
        TDma.CleanForDevice(buffer, (nuint)frame.Length);
        var data = _transmit.Descriptor(2 * index + 1);
        data.Len.Write(new VirtqDesc.Len((uint)frame.Length));
        TDma.CleanForDevice(data.Base, SplitVirtqueue<TDma>.DescriptorSize);
        _transmit.Offer(2 * index);
        Transmitted++;
        if (_transmit.DeviceWantsNotification())
            Notify(TransmitQueueIndex);
        return true;
    }

    /// <summary>Transmit buffers the device has not given back yet (those it has are counted back here).</summary>
    public int TransmitPending()
    {
        ReclaimTransmitted();
        return _memory.TransmitBuffers - _transmitFreeCount;
    }

    /// <summary>
    /// Reads INTERRUPT_STATUS and acknowledges what it found, so the device lowers its interrupt
    /// line (spec 1.1 4.2.2, InterruptStatus and InterruptACK; QEMU's level drops when the status
    /// is 0). For an interrupt handler: the frames themselves are still taken by
    /// <see cref="TryReceive"/>, and sent buffers come back on the next <see cref="Send"/>.
    /// Static, like the EMAC's: a handler has the device's registers, not the driver.
    /// </summary>
    public static VirtioMmio.InterruptStatus AcknowledgeInterrupt(VirtioMmio<TBus> device)
    {
        var pending = device.InterruptStatus.Read();
        if (pending.Raw != 0)
            device.InterruptAck.Write(new VirtioMmio.InterruptAck(pending.Raw));
        return pending;
    }

    private VirtioNetStatus SetUpQueue(int index, SplitVirtqueue<TDma> queue)
    {
        _device.QueueSel.Write(new VirtioMmio.QueueSel((uint)index));
        if (_device.QueuePfn.Read().Raw != 0)
            return VirtioNetStatus.QueueInUse;
        if (_device.QueueNumMax.Read().Raw < (uint)queue.Size)
            return VirtioNetStatus.QueueTooSmall;
        _device.QueueNum.Write(new VirtioMmio.QueueNum((uint)queue.Size));
        _device.QueueAlign.Write(new VirtioMmio.QueueAlign(VirtioNetMemory.PageSize));
        _device.QueuePfn.Write(new VirtioMmio.QueuePfn(TDma.DeviceAddress(queue.Base) / VirtioNetMemory.PageSize));
        return VirtioNetStatus.Ok;
    }

    /// <summary>The MAC from the configuration space, a byte at a time as its field is bytes (spec 1.1 4.2.2.2).</summary>
    private EthernetAddress ReadDeviceAddress()
    {
        var config = new VirtioNetConfig<TBus>(_device.Config(0).Address);
        ulong value = 0;
        for (int i = 0; i < 6; i++)
            value = value << 8 | config.Mac(i).Read().Raw;
        return new EthernetAddress(value);
    }

    /// <summary>
    /// Every descriptor written once: buffer i of a queue is descriptors 2i (its header slot) and
    /// 2i + 1 (its frame buffer). Receive chains are all offered; transmit ones wait, free.
    /// </summary>
    private void FillQueues()
    {
        var next = VirtqDesc.Flags.Zero.WithNext(true);
        _receive.Clear();
        for (int i = 0; i < _memory.ReceiveBuffers; i++)
        {
            _receive.SetDescriptor(2 * i, TDma.DeviceAddress(_memory.Header(i)), HeaderLength, next.WithWrite(true), 2 * i + 1);
            _receive.SetDescriptor(2 * i + 1, TDma.DeviceAddress(_memory.Buffer(i)), VirtioNetMemory.BufferStride, VirtqDesc.Flags.Zero.WithWrite(true), 0);
            TDma.InvalidateForCpu(_memory.Buffer(i), VirtioNetMemory.BufferStride);
            _receive.Offer(2 * i);
        }
        _transmit.Clear();
        for (int i = 0; i < _memory.TransmitBuffers; i++)
        {
            // A zero header: no checksum to complete, no segmentation (VIRTIO_NET_HDR_GSO_NONE).
            nuint header = _memory.Header(_memory.ReceiveBuffers + i);
            unsafe
            {
                new Span<byte>((void*)header, VirtioNetMemory.HeaderSlot).Clear();
            }
            TDma.CleanForDevice(header, VirtioNetMemory.HeaderSlot);
            _transmit.SetDescriptor(2 * i, TDma.DeviceAddress(header), HeaderLength, next, 2 * i + 1);
            _transmit.SetDescriptor(2 * i + 1, TDma.DeviceAddress(_memory.Buffer(_memory.ReceiveBuffers + i)), 0, VirtqDesc.Flags.Zero, 0);
            _transmitFree[i] = (ushort)(_memory.TransmitBuffers - 1 - i);
        }
        _transmitFreeCount = _memory.TransmitBuffers;
    }

    private void OfferReceive(int head)
    {
        _receive.Offer(head);
        // QEMU stops reading the TAP while the receive queue is empty and waits for this
        // notification to start again (virtio_net_receive / virtio_net_handle_rx).
        if (_receive.DeviceWantsNotification())
            Notify(ReceiveQueueIndex);
    }

    private void ReclaimTransmitted()
    {
        while (_transmit.TryTakeUsed(out int head, out _))
        {
            if (head % 2 == 0 && head < _transmit.Size && _transmitFreeCount < _transmitFree.Length)
                _transmitFree[_transmitFreeCount++] = (ushort)(head / 2);
        }
    }

    private void Notify(int queue)
    {
        _device.QueueNotify.Write(new VirtioMmio.QueueNotify((uint)queue));
        Notifications++;
    }
}
