using System.Runtime.InteropServices;
using Unikernel.Net;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// A Linux TAP interface: whole Ethernet frames in and out through /dev/net/tun
/// (Documentation/networking/tuntap.rst). Created on open, gone when closed. Opened with
/// segmentation offload, every frame carries a virtio_net_hdr (IFF_VNET_HDR) and back-to-back TCP
/// segments go out joined, up to 64 KiB a write (<see cref="TcpSegmentCoalescer"/>), until
/// <see cref="FlushSends"/>. With receive offload too (TUNSETOFFLOAD), Linux sends TCP in frames
/// of up to 64 KiB, which <see cref="TryReceive"/> lends cut back into the segments Linux would
/// have sent (<see cref="TcpSegmentSplitter"/>): the stack never sees a frame over 1514 bytes.
/// </summary>
public sealed class TapDevice : INetworkDevice, IDisposable
{
    private const int OpenReadWrite = 2;
    private const uint TunSetInterface = 0x400454CA;   // TUNSETIFF
    private const short FlagTap = 0x0002;              // IFF_TAP
    private const short FlagNoPacketInfo = 0x1000;     // IFF_NO_PI: frames only, no 4-byte header
    private const short FlagVirtioHeader = 0x4000;     // IFF_VNET_HDR: a struct virtio_net_hdr before each frame
    private const uint TunSetOffload = 0x400454D0;     // TUNSETOFFLOAD
    private const nuint OffloadChecksum = 0x01;        // TUN_F_CSUM: frames may come with their checksum left to us
    private const nuint OffloadTso4 = 0x02;            // TUN_F_TSO4
    private const nuint OffloadTso6 = 0x04;            // TUN_F_TSO6
    /// <summary>Room for the largest frame Linux hands over with TSO (a packet of 64 KiB, its headers), with slack: a read that fills it was cut short, and is dropped.</summary>
    private const int OffloadFrameSize = 128 * 1024;
    private const short PollIn = 0x0001;
    private const int SetStatusFlags = 4;                // F_SETFL
    private const int NonBlocking = 0x800;               // O_NONBLOCK

    private readonly int _descriptor;
    // The frame TryReceive lends: read here, processed in place (one read per frame, no copy after it).
    private readonly byte[] _received = new byte[NetworkRunner<TapDevice>.FrameBufferSize];

    private readonly TcpSegmentCoalescer? _coalescer;
    // The header of each frame read; the one before each frame sent as it is (all zero: nothing asked of Linux).
    private readonly byte[] _virtioHeader = new byte[TcpSegmentCoalescer.VirtioHeaderLength];
    private readonly byte[] _plainHeader = new byte[TcpSegmentCoalescer.VirtioHeaderLength];
    private readonly Func<byte[], int, bool> _writeJoined;

    private readonly TcpSegmentSplitter? _splitter;
    private readonly byte[] _offloaded = [];

    private TapDevice(int descriptor, string name, bool segmentationOffload, bool receiveOffload)
    {
        _descriptor = descriptor;
        Name = name;
        _coalescer = segmentationOffload ? new TcpSegmentCoalescer() : null;
        _writeJoined = WriteWhole;
        if (receiveOffload)
        {
            _splitter = new TcpSegmentSplitter();
            _offloaded = new byte[OffloadFrameSize];
        }
    }

    /// <summary>With receive offload: frames Linux sent whole to be cut, and the segments cut from them.</summary>
    public (ulong Frames, ulong Segments) Split => _splitter is null ? (0, 0) : (_splitter.FramesSplit, _splitter.Segments);

    /// <summary>With segmentation offload: TCP segments taken, and the writes that carried them.</summary>
    public (ulong Segments, ulong Writes) Joined => _coalescer is null ? (0, 0) : (_coalescer.SegmentsJoined, _coalescer.FramesWritten);

    public string Name { get; }

    /// <summary>The longest frame written so far: what a test of a smaller link MTU checks against.</summary>
    public int LargestSent { get; private set; }

    /// <param name="segmentationOffload">true: IFF_VNET_HDR, and TCP segments joined for Linux to split (hoststack).</param>
    /// <param name="receiveOffload">with <paramref name="segmentationOffload"/>: Linux sends TCP in frames of up to 64 KiB, cut here; only <see cref="TryReceive"/> reads then.</param>
    public static TapDevice Open(string name, bool segmentationOffload = false, bool receiveOffload = false)
    {
        if (name.Length is 0 or > 15)
            throw new ArgumentException($"a TAP interface name is 1 to 15 characters, not '{name}'");
        int descriptor = open("/dev/net/tun", OpenReadWrite);
        if (descriptor < 0)
            throw new IOException($"cannot open /dev/net/tun ({Error()}): TAP devices need root (or CAP_NET_ADMIN) and the tun module");
        var request = new byte[40];
        System.Text.Encoding.ASCII.GetBytes(name).CopyTo(request, 0);
        BitConverter.GetBytes((short)(FlagTap | FlagNoPacketInfo | (segmentationOffload ? FlagVirtioHeader : 0))).CopyTo(request, 16);
        if (ioctl(descriptor, TunSetInterface, request) < 0)
        {
            string error = Error();
            close(descriptor);
            throw new IOException($"cannot create TAP interface '{name}' ({error}): is the name taken by a non-TAP device?");
        }
        if (segmentationOffload && receiveOffload && ioctl(descriptor, TunSetOffload, OffloadChecksum | OffloadTso4 | OffloadTso6) < 0)
        {
            string error = Error();
            close(descriptor);
            throw new IOException($"cannot turn on TCP offloads on the TAP interface '{name}' ({error})");
        }
        // Reads return at once when no frame waits (EAGAIN): one system call per frame, not two.
        if (fcntl(descriptor, SetStatusFlags, NonBlocking) < 0)
        {
            string error = Error();
            close(descriptor);
            throw new IOException($"cannot make the TAP interface '{name}' non-blocking ({error})");
        }
        return new TapDevice(descriptor, name, segmentationOffload, segmentationOffload && receiveOffload);
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a frame to arrive; true if one is waiting.</summary>
    public bool WaitReadable(int timeoutMilliseconds)
    {
        var poll = new PollDescriptor { Descriptor = _descriptor, Events = PollIn };
        return Poll(ref poll, 1, timeoutMilliseconds) > 0 && (poll.Returned & PollIn) != 0;
    }

    /// <summary>Reads the next frame into <paramref name="frame"/> if one is waiting (without blocking); its length, or 0.</summary>
    public int Receive(Span<byte> frame)
    {
        if (_splitter is not null)
            throw new InvalidOperationException("a TAP with receive offload is read with TryReceive");
        return ReadFrame(frame);
    }

    private int ReadFrame(Span<byte> frame)
    {
        unsafe
        {
            fixed (byte* buffer = frame)
            {
                if (_coalescer is null)
                {
                    nint read = Read(_descriptor, buffer, (nuint)frame.Length);
                    return read < 0 ? 0 : (int)read;
                }
                // Without TUNSETOFFLOAD Linux hands over whole, checksummed frames: the header says nothing.
                fixed (byte* header = _virtioHeader)
                {
                    var parts = stackalloc IoVector[2];
                    parts[0] = new IoVector { Base = header, Length = (nuint)_virtioHeader.Length };
                    parts[1] = new IoVector { Base = buffer, Length = (nuint)frame.Length };
                    nint read = ReadVector(_descriptor, parts, 2);
                    return read <= _virtioHeader.Length ? 0 : (int)read - _virtioHeader.Length;
                }
            }
        }
    }

    /// <summary>Lends the next frame if one is waiting (without blocking), read into the device's own buffer: valid until the next read.</summary>
    public bool TryReceive(out Span<byte> frame)
    {
        if (_splitter is null)
        {
            int length = ReadFrame(_received);
            frame = _received.AsSpan(0, length);
            return length > 0;
        }
        while (!_splitter.TryNext(out frame))
        {
            int length = ReadFrame(_offloaded);
            if (length == 0)
                return false;
            if (length == _offloaded.Length)
                continue;
            int whole = _splitter.Take(_virtioHeader, _offloaded, length);
            if (whole > 0)
            {
                frame = _offloaded.AsSpan(0, whole);
                return true;
            }
        }
        return true;
    }

    /// <summary>Nothing to give back: the next <see cref="TryReceive"/> reads over the buffer.</summary>
    public void Release()
    {
    }

    /// <summary>Writes one frame, or joins it to the pending one; false if the kernel refused it (the interface is down, or its queue full).</summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > LargestSent)
            LargestSent = frame.Length;
        if (_coalescer is null)
            return WriteFrame(frame);
        if (_coalescer.TryTake(frame, _writeJoined))
            return true;
        // Not joinable: out at once behind an empty virtio_net_hdr, after what was pending.
        unsafe
        {
            fixed (byte* header = _plainHeader)
            fixed (byte* buffer = frame)
            {
                var parts = stackalloc IoVector[2];
                parts[0] = new IoVector { Base = header, Length = (nuint)_plainHeader.Length };
                parts[1] = new IoVector { Base = buffer, Length = (nuint)frame.Length };
                return WriteVector(_descriptor, parts, 2) == _plainHeader.Length + frame.Length;
            }
        }
    }

    /// <summary>Writes the joined segments still pending; call it before waiting for frames.</summary>
    public bool FlushSends() => _coalescer is null || _coalescer.Flush(_writeJoined);

    private bool WriteWhole(byte[] buffer, int length) => WriteFrame(buffer.AsSpan(0, length));

    private bool WriteFrame(ReadOnlySpan<byte> frame)
    {
        unsafe
        {
            fixed (byte* buffer = frame)
                return Write(_descriptor, buffer, (nuint)frame.Length) == frame.Length;
        }
    }

    public void Dispose() => close(_descriptor);

    private static string Error() => Marshal.GetLastPInvokeErrorMessage();

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short Returned;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int descriptor, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int descriptor, uint request, byte[] argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int descriptor, uint request, nuint argument);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll(ref PollDescriptor descriptors, nuint count, int timeout);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern unsafe nint Read(int descriptor, byte* buffer, nuint count);

    [DllImport("libc", EntryPoint = "readv", SetLastError = true)]
    private static extern unsafe nint ReadVector(int descriptor, IoVector* vectors, int count);

    [DllImport("libc", EntryPoint = "writev", SetLastError = true)]
    private static extern unsafe nint WriteVector(int descriptor, IoVector* vectors, int count);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern unsafe nint Write(int descriptor, byte* buffer, nuint count);
}
