using Unikernel.Platform;

namespace Unikernel.Boot.Image;

/// <summary>
/// Takes a kernel image (docs/image-format.md) as it arrives on a stream, in pieces of any size:
/// the fixed header is gathered and checked before a byte is written (<see cref="KernelImage.CheckFixedHeader"/>),
/// then the payload goes to <typeparamref name="TDestination"/> (on a board: straight to its
/// load address), hashed on the way, and <see cref="Finish"/> gives the verdict when the stream
/// ends. Made once at start-up; <see cref="Reset"/> readies it for the next upload.
/// <para>The hash is taken here as the payload passes, or, given a <see cref="HashingCore"/>
/// (<see cref="HashBehind"/>), by another core reading the payload back from memory behind this
/// one: then this core only places bytes and says how many, and <see cref="Finish"/> waits for
/// the other's digest.</para>
/// </summary>
public sealed class KernelReceiver<TDestination> where TDestination : struct, IPayloadDestination
{
    private readonly byte[] _header = new byte[KernelImage.FixedHeaderLength];
    private readonly byte[] _digest = new byte[Sha256.HashLength];
    private readonly AddressRange _memory;
    private readonly AddressRange[] _forbidden;
    private TDestination _destination;
    private Sha256 _hash;
    private HashingCore? _hashingCore;
    private bool _hashingBehind;
    private ulong _received;
    private ulong _headerLength;
    private ulong _load;
    private ulong _payloadLength;

    /// <param name="memory">Where payloads may go (DRAM as detected).</param>
    /// <param name="forbidden">What they must not touch: the loader itself, its stack, heap and buffers.</param>
    /// <param name="destination">Where the payload goes.</param>
    public KernelReceiver(AddressRange memory, AddressRange[] forbidden, TDestination destination)
    {
        _memory = memory;
        _forbidden = forbidden;
        _destination = destination;
        Reset();
    }

    /// <summary>Why the image was refused so far; <see cref="ImageError.None"/> while it is fine.</summary>
    public ImageError Error { get; private set; }

    /// <summary>True once the fixed header is in and passed its checks.</summary>
    public bool HeaderAccepted { get; private set; }

    /// <summary>Every byte of the stream so far, header included.</summary>
    public ulong Received => _received;

    /// <summary>Payload bytes written so far.</summary>
    public ulong PayloadReceived => _received > _headerLength ? _received - _headerLength : 0;

    public ulong LoadAddress => _load;

    public ulong PayloadLength => _payloadLength;

    public ulong EntryPoint { get; private set; }

    /// <summary>The payload's SHA-256 as received, after <see cref="Finish"/>.</summary>
    public ReadOnlySpan<byte> ReceivedSha256 => _digest;

    /// <summary>The core that hashed the last payload <see cref="Finish"/> judged: this one, or the <see cref="HashingCore"/>'s.</summary>
    public int HashedOnCore { get; private set; }

    /// <summary>How long <see cref="Finish"/> waited for the <see cref="HashingCore"/> after the last byte: how far it was behind.</summary>
    public long HashWaitMilliseconds { get; private set; }

    /// <summary>
    /// From the next upload on, payloads are hashed by <paramref name="core"/>'s core from where
    /// they were placed (<typeparamref name="TDestination"/> must be memory that core reads, such
    /// as <see cref="PhysicalMemory"/>); null: here again. A payload of 2^32 bytes or more is
    /// hashed here all the same (the cores share 32-bit counts).
    /// </summary>
    public void HashBehind(HashingCore? core)
    {
        _hashingCore?.Stop();
        _hashingCore = core;
        Reset();
    }

    public void Reset()
    {
        if (_hashingBehind)
            _hashingCore!.Stop();
        _hashingBehind = false;
        _hash = new Sha256();
        _received = 0;
        _headerLength = KernelImage.FixedHeaderLength;
        _load = 0;
        _payloadLength = 0;
        EntryPoint = 0;
        HeaderAccepted = false;
        Error = ImageError.None;
    }

    /// <summary>
    /// Takes the next bytes of the stream. Returns false once the image is refused (the first
    /// reason stays in <see cref="Error"/>); later bytes are counted and dropped.
    /// </summary>
    public bool Accept(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0 && Error == ImageError.None)
        {
            if (_received < KernelImage.FixedHeaderLength)
            {
                int take = Math.Min(data.Length, KernelImage.FixedHeaderLength - (int)_received);
                data.Slice(0, take).CopyTo(_header.AsSpan((int)_received));
                _received += (ulong)take;
                data = data.Slice(take);
                if (_received == KernelImage.FixedHeaderLength)
                    TakeHeader();
            }
            else if (_received < _headerLength)
            {
                // A later version's extra header fields: version 1 skips them.
                int skip = (int)Math.Min((ulong)data.Length, _headerLength - _received);
                _received += (ulong)skip;
                data = data.Slice(skip);
            }
            else
            {
                ulong room = _payloadLength - PayloadReceived;
                if ((ulong)data.Length > room)
                    Error = ImageError.DataAfterPayload;
                int take = (int)Math.Min((ulong)data.Length, room);
                var piece = data.Slice(0, take);
                _destination.Write(_load + PayloadReceived, piece);
                _received += (ulong)take;
                if (_hashingBehind)
                    _hashingCore!.Placed((uint)PayloadReceived);
                else
                    _hash.Append(piece);
                data = data.Slice(take);
            }
        }
        _received += (ulong)data.Length;
        return Error == ImageError.None;
    }

    /// <summary>The stream ended: the verdict. <see cref="ImageError.None"/> means the payload is in place and its hash matches.</summary>
    public ImageError Finish()
    {
        if (Error != ImageError.None)
            return Error;
        if (!HeaderAccepted)
            return Error = ImageError.Truncated;
        if (PayloadReceived < _payloadLength)
            return Error = ImageError.PayloadTruncated;
        if (_hashingBehind)
        {
            long waitFrom = GenericTimer.Milliseconds;
            bool finished = _hashingCore!.TryTakeDigest(_digest, HashingCore.StallMilliseconds);
            HashWaitMilliseconds = GenericTimer.Milliseconds - waitFrom;
            if (!finished)
                return Error = ImageError.HashingStalled;
            HashedOnCore = _hashingCore.FinishedOnCore;
        }
        else
        {
            _hash.Finish(_digest);
            HashedOnCore = Cpu.Core;
            HashWaitMilliseconds = 0;
        }
        if (!_digest.AsSpan().SequenceEqual(new KernelImage(_header).PayloadSha256))
            return Error = ImageError.Sha256Mismatch;
        return ImageError.None;
    }

    private void TakeHeader()
    {
        if (!KernelImage.CheckFixedHeader(_header, _memory, _forbidden, out var reason))
        {
            Error = reason;
            return;
        }
        var image = new KernelImage(_header);
        _headerLength = (ulong)image.HeaderLength;
        _load = image.LoadAddress;
        _payloadLength = image.PayloadLength;
        EntryPoint = image.EntryPoint;
        HeaderAccepted = true;
        if (_hashingCore != null && _payloadLength > 0 && _payloadLength <= uint.MaxValue)
        {
            _hashingCore.Begin((nuint)_load, (uint)_payloadLength);
            _hashingBehind = true;
        }
    }
}
