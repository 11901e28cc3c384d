using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Unikernel.Drivers.Virtio;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// A simulated legacy virtio-mmio network card on a fake bus, modelled on QEMU's
/// hw/virtio/virtio-mmio.c (legacy registers) and hw/net/virtio-net.c: registers named in a log;
/// writing STATUS 0 resets (or never does, to test the timeout); QUEUE_PFN places a queue in the
/// legacy layout (page size and alignment as written); a notification of the transmit queue
/// walks its new chains, strips the 10-byte header and records the frames, and answers each in
/// the used ring; <see cref="Inject"/> fills the next offered receive chain (header, then frame)
/// as QEMU's receive does. Every used buffer raises INTERRUPT_STATUS bit 0 until acknowledged.
/// Ring memory is read and written through <see cref="TestDma"/>'s bus addresses.
/// </summary>
public struct VirtioNetBus : IWordBus<VirtioNetBus>
{
    public const nuint Device = QemuVirt.Virtio31.Base;
    public const int HeaderLength = 10;

    private static readonly Dictionary<nuint, string> Names = new()
    {
        [0x000] = "MAGIC_VALUE", [0x004] = "VERSION", [0x008] = "DEVICE_ID", [0x00C] = "VENDOR_ID",
        [0x010] = "DEVICE_FEATURES", [0x014] = "DEVICE_FEATURES_SEL", [0x020] = "DRIVER_FEATURES",
        [0x024] = "DRIVER_FEATURES_SEL", [0x028] = "GUEST_PAGE_SIZE", [0x030] = "QUEUE_SEL",
        [0x034] = "QUEUE_NUM_MAX", [0x038] = "QUEUE_NUM", [0x03C] = "QUEUE_ALIGN", [0x040] = "QUEUE_PFN",
        [0x050] = "QUEUE_NOTIFY", [0x060] = "INTERRUPT_STATUS", [0x064] = "INTERRUPT_ACK", [0x070] = "STATUS",
    };

    public static readonly List<string> Log = [];
    public static readonly List<byte[]> Sent = [];
    public static readonly byte[] Mac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

    public static uint Magic;
    public static uint Version;
    public static uint DeviceId;
    public static uint DeviceFeatures;
    public static uint QueueNumMax;
    public static bool ResetStuck;
    /// <summary>Transmit notifications are recorded but not acted on until <see cref="RunTransmit"/>.</summary>
    public static bool TransmitPaused;
    /// <summary>The device sets VIRTQ_USED_F_NO_NOTIFY in both used rings.</summary>
    public static bool SuppressNotifications;
    public static uint Status;
    public static uint DriverFeatures;
    public static uint InterruptStatus;
    public static uint PageSize;
    public static int[] Notifications = new int[2];
    private static uint _queueSel;
    private static readonly Queue[] Queues = [new(), new()];

    private sealed class Queue
    {
        public uint Size, Align, Pfn;
        public ushort LastAvail;
    }

    public static void Reset()
    {
        Log.Clear();
        Sent.Clear();
        Magic = VirtioMmio.MagicValue.Reset.Raw;
        Version = 1;
        DeviceId = 1;
        // QEMU's legacy virtio-net: MAC, STATUS, checksums, merged buffers, any layout, ...
        DeviceFeatures = VirtioNetFeatures.Word0.Zero.WithMac(true).WithStatus(true).WithCsum(true).WithGuestCsum(true)
            .WithMrgRxbuf(true).WithAnyLayout(true).WithCtrlVq(true).WithEventIdx(true).Raw;
        QueueNumMax = 256;
        ResetStuck = TransmitPaused = SuppressNotifications = false;
        Notifications = new int[2];
        ResetDevice();
    }

    private static void ResetDevice()
    {
        Status = DriverFeatures = InterruptStatus = PageSize = _queueSel = 0;
        foreach (var queue in Queues)
        {
            queue.Size = queue.Align = queue.Pfn = 0;
            queue.LastAvail = 0;
        }
    }

    public static IEnumerable<string> Trace => Log;

    public static uint Read32(nuint address)
    {
        nuint offset = address - Device;
        uint value = offset switch
        {
            0x000 => Magic,
            0x004 => Version,
            0x008 => DeviceId,
            0x00C => 0x554D4551,
            0x010 => DeviceFeatures,
            0x034 => QueueNumMax,
            0x040 => Queues[_queueSel].Pfn,
            0x060 => InterruptStatus,
            0x070 => Status,
            >= 0x100 and < 0x106 => Mac[offset - 0x100],
            _ => 0,
        };
        Log.Add(offset >= 0x100 ? $"read  CONFIG+0x{offset - 0x100:x} -> 0x{value:x2}" : $"read  {Name(offset)} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        nuint offset = address - Device;
        Log.Add($"write {Name(offset)} <- 0x{value:x8}");
        switch (offset)
        {
            case 0x020: DriverFeatures = value; break;
            case 0x028: PageSize = value; break;
            case 0x030: _queueSel = value; break;
            case 0x038: Queues[_queueSel].Size = value; break;
            case 0x03C: Queues[_queueSel].Align = value; break;
            case 0x040: Queues[_queueSel].Pfn = value; break;
            case 0x050:
                Notifications[value]++;
                if (value == 1 && !TransmitPaused)
                    Transmit();
                break;
            case 0x064: InterruptStatus &= ~value; break;
            case 0x070:
                if (value == 0 && !ResetStuck)
                    ResetDevice();
                else if (value != 0)
                    Status = value;
                break;
        }
        SetNoNotify();
    }

    /// <summary>Fills the next offered receive chain with <paramref name="frame"/>; false when none is offered (QEMU would stop reading the TAP).</summary>
    public static bool Inject(ReadOnlySpan<byte> frame)
    {
        var queue = Queues[0];
        if ((Status & 4) == 0 || queue.Pfn == 0 || AvailIdx(queue) == queue.LastAvail)
            return false;
        ushort head = AvailRing(queue, queue.LastAvail);
        queue.LastAvail++;
        var header = Desc(queue, head);
        var data = Desc(queue, header.Next);
        if (header.Len != HeaderLength || !header.HasNext || !header.Write || !data.Write || data.Len < frame.Length)
            throw new InvalidOperationException("the receive chain is not a 10-byte header then a frame buffer");
        Bytes(header.Addr, HeaderLength).Fill(0);
        frame.CopyTo(Bytes(data.Addr, frame.Length));
        Use(queue, head, (uint)(HeaderLength + frame.Length));
        return true;
    }

    /// <summary>Puts a chain the driver never offered in the receive used ring, as a broken device would.</summary>
    public static void UseBogus(uint head, uint length) => Use(Queues[0], head, length);

    public static void RunTransmit()
    {
        TransmitPaused = false;
        Transmit();
    }

    private static void Transmit()
    {
        var queue = Queues[1];
        while (AvailIdx(queue) != queue.LastAvail)
        {
            ushort head = AvailRing(queue, queue.LastAvail);
            queue.LastAvail++;
            var bytes = new List<byte>();
            for (var desc = Desc(queue, head); ; desc = Desc(queue, desc.Next))
            {
                if (desc.Write)
                    throw new InvalidOperationException("a transmit buffer marked device-writable");
                bytes.AddRange(Bytes(desc.Addr, (int)desc.Len).ToArray());
                if (!desc.HasNext)
                    break;
            }
            if (bytes.Take(HeaderLength).Any(b => b != 0))
                throw new InvalidOperationException("a transmit header asks for offloads that were not negotiated");
            Sent.Add([.. bytes.Skip(HeaderLength)]);
            Use(queue, head, 0);
        }
    }

    private readonly record struct Descriptor(uint Addr, uint Len, ushort Flags, ushort Next)
    {
        public bool HasNext => (Flags & 1) != 0;
        public bool Write => (Flags & 2) != 0;
    }

    private static nuint QueueBase(Queue queue) => TestDma.ToHost(queue.Pfn * PageSize);

    private static nuint UsedBase(Queue queue) =>
        QueueBase(queue) + (((nuint)(16 * queue.Size + 6 + 2 * queue.Size) + queue.Align - 1) & ~(nuint)(queue.Align - 1));

    private static Descriptor Desc(Queue queue, ushort index)
    {
        if (index >= queue.Size)
            throw new InvalidOperationException($"descriptor {index} outside a queue of {queue.Size}");
        nuint at = QueueBase(queue) + (nuint)(16 * index);
        ulong addr = Read<ulong>(at);
        if (addr > uint.MaxValue)
            throw new InvalidOperationException("a buffer above 4 GiB");
        return new Descriptor((uint)addr, Read<uint>(at + 8), Read<ushort>(at + 12), Read<ushort>(at + 14));
    }

    private static ushort AvailIdx(Queue queue) => Read<ushort>(QueueBase(queue) + (nuint)(16 * queue.Size) + 2);

    private static ushort AvailRing(Queue queue, ushort position) =>
        Read<ushort>(QueueBase(queue) + (nuint)(16 * queue.Size) + 4 + (nuint)(2 * (position % queue.Size)));

    private static void Use(Queue queue, uint head, uint length)
    {
        nuint used = UsedBase(queue);
        ushort idx = Read<ushort>(used + 2);
        nuint element = used + 4 + (nuint)(8 * (idx % queue.Size));
        Write(element, head);
        Write(element + 4, length);
        Write(used + 2, (ushort)(idx + 1));
        InterruptStatus |= 1;
    }

    private static void SetNoNotify()
    {
        foreach (var queue in Queues)
        {
            if (queue.Pfn != 0 && queue.Align != 0)
                Write(UsedBase(queue), (ushort)(SuppressNotifications ? 1 : 0));
        }
    }

    private static string Name(nuint offset) => Names.TryGetValue(offset, out string? name) ? name : $"0x{offset:x3}";

    private static unsafe T Read<T>(nuint address) where T : unmanaged => *(T*)address;

    private static unsafe void Write<T>(nuint address, T value) where T : unmanaged => *(T*)address = value;

    private static unsafe Span<byte> Bytes(uint deviceAddress, int length) => new((void*)TestDma.ToHost(deviceAddress), length);

    /// <summary>Page-aligned queue memory in a pinned array, at <see cref="TestDma"/>'s bus addresses.</summary>
    public static unsafe VirtioNetMemory Allocate(int receiveBuffers, int transmitBuffers, out byte[] keepAlive)
    {
        nuint length = VirtioNetMemory.RequiredLength(receiveBuffers, transmitBuffers);
        keepAlive = GC.AllocateArray<byte>((int)length + VirtioNetMemory.PageSize, pinned: true);
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(keepAlive));
        nuint aligned = (start + VirtioNetMemory.PageSize - 1) & ~(nuint)(VirtioNetMemory.PageSize - 1);
        TestDma.HostBase = aligned;
        TestDma.Cleans = TestDma.Invalidates = 0;
        return new VirtioNetMemory(aligned, length, receiveBuffers, transmitBuffers);
    }
}
