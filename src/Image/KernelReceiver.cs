using Unikernel.Boot.Image.DeviceTree;
using Unikernel.Boot.Image.Signing;
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
/// <para>Version 2 (docs/image-format.md, "Version 2"): the whole header (up to
/// <see cref="KernelImageParts.MaximumHeaderLength"/> bytes) is gathered and checked
/// (<see cref="KernelImageParts.Check"/>) before a byte is written; then each part goes to its
/// own load address (a command line into <see cref="CommandLine"/>, which this receiver owns)
/// and is hashed alone: here, checked as it ends; or behind, on the <see cref="HashingCore"/>,
/// one job per part, the next part's job begun when the core has finished the one before
/// (whose digest is checked then; its bytes are placed meanwhile and the core catches up from
/// memory), so receiving never waits for the hash but at a part's end when the core is still
/// a whole part behind, and at <see cref="Finish"/>. Once its hash matched, the kernel part's
/// own header is checked (<see cref="KernelImageParts.CheckKernelHead"/>).</para>
/// </summary>
public sealed class KernelReceiver<TDestination> where TDestination : struct, IPayloadDestination
{
    private readonly byte[] _header = new byte[KernelImageParts.MaximumHeaderLength];
    private readonly byte[] _digest = new byte[Sha256.HashLength];
    private readonly byte[] _commandLine = new byte[KernelImageParts.MaximumCommandLineLength];
    private readonly byte[] _kernelHead = new byte[KernelImageParts.KernelHeadLength];
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

    // Version 2: the part being received, its bytes so far, and whether the hashing core hashes it.
    private int _part;
    private uint _partReceived;
    private bool _partHashedBehind;
    private bool _partJobBegun;

    /// <summary>The part whose digest the hashing core still owes (its job is the current one), or -1.</summary>
    private int _pendingPart;
    private int _commandLineLength;

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

    /// <summary>
    /// True where the bootloader can start a Linux kernel (protocols 1 and 2): until then a
    /// version 2 image for Linux is refused with <see cref="ImageError.LinuxNotBuiltIn"/> at its header.
    /// </summary>
    public bool StartsLinux { get; set; }

    /// <summary>
    /// The one Linux protocol this board boots (a zImage on ARMv7, an arm64 Image on AArch64): an
    /// image for the other is refused with <see cref="ImageError.ProtocolNotForThisBoard"/> at its
    /// header. <see cref="BootProtocol.Unikernel"/>: any (host tools that only take uploads).
    /// </summary>
    public BootProtocol LinuxProtocol { get; set; }

    /// <summary>
    /// The board's public key (Ed25519, 32 bytes): only images signed with its secret key are
    /// taken (<see cref="ImageSignature.Check"/>, before a byte of the payload is written);
    /// version 1 images and unsigned ones are refused. Empty: any image.
    /// </summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>
    /// True on a board that starts Linux: <see cref="Finish"/> edits a Linux image's device tree in
    /// place for it (<see cref="LinuxBootEdits"/>: the command line, the initrd, /memory from the
    /// detected DRAM, PSCI from the board's secure monitor) and refuses a tree it cannot read or
    /// grow with <see cref="ImageError.DeviceTreeRefused"/>, the reason in <see cref="DeviceTreeError"/>.
    /// </summary>
    public bool EditsDeviceTree { get; set; }

    /// <summary>Why the device tree was refused, after <see cref="Finish"/> said <see cref="ImageError.DeviceTreeRefused"/>.</summary>
    public DeviceTreeError DeviceTreeError { get; private set; }

    /// <summary>Where the edited device tree is, for the jump to Linux (after a good <see cref="Finish"/>); 0 without one.</summary>
    public ulong DeviceTreeAddress { get; private set; }

    /// <summary>The header's format version: 1 or 2 once the fixed header passed, 0 before.</summary>
    public int FormatVersion { get; private set; }

    /// <summary>How to enter the kernel: <see cref="BootProtocol.Unikernel"/> for version 1.</summary>
    public BootProtocol Protocol => FormatVersion == KernelImageParts.Version ? Parts.Protocol : BootProtocol.Unikernel;

    /// <summary>A version 2 image's header, fixed part and part table: each part's kind, load address, length, room and hash. Only once <see cref="HeaderAccepted"/>.</summary>
    public KernelImageParts Parts => new(_header.AsSpan(0, FormatVersion == KernelImageParts.Version ? (int)_headerLength : 0));

    /// <summary>
    /// The header bytes as received (version 1: the fixed 64; version 2: all of it, the signature
    /// included), for a signature check.
    /// </summary>
    public ReadOnlySpan<byte> Header =>
        _header.AsSpan(0, FormatVersion == KernelImageParts.Version ? (int)_headerLength : KernelImage.FixedHeaderLength);

    /// <summary>A version 2 image's command line part as received (no NUL); empty without one.</summary>
    public ReadOnlySpan<byte> CommandLine => _commandLine.AsSpan(0, _commandLineLength);

    /// <summary>Where the kernel went: version 1's load address, version 2's kernel part's.</summary>
    public ulong KernelLoadAddress => _load;

    /// <summary>The kernel's bytes: version 1's payload, version 2's kernel part.</summary>
    public ulong KernelLength { get; private set; }

    /// <summary>The part whose hash did not match (<see cref="ImageError.Sha256Mismatch"/> of version 2; <see cref="ReceivedSha256"/> is its digest); -1 otherwise.</summary>
    public int MismatchedPart { get; private set; }

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

    /// <summary>The core that hashed the last payload <see cref="Finish"/> judged (version 2: its kernel part): this one, or the <see cref="HashingCore"/>'s.</summary>
    public int HashedOnCore { get; private set; }

    /// <summary>How long <see cref="Finish"/> waited for the <see cref="HashingCore"/> after the last byte: how far it was behind (version 2: the waits at each part's end, summed).</summary>
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
        if (_hashingBehind || _partJobBegun || _pendingPart >= 0)
            _hashingCore?.Stop();
        _hashingBehind = false;
        _hash = new Sha256();
        _received = 0;
        _headerLength = KernelImage.FixedHeaderLength;
        _load = 0;
        _payloadLength = 0;
        _part = 0;
        _partReceived = 0;
        _partHashedBehind = false;
        _partJobBegun = false;
        _pendingPart = -1;
        _commandLineLength = 0;
        KernelLength = 0;
        MismatchedPart = -1;
        FormatVersion = 0;
        HashWaitMilliseconds = 0;
        EntryPoint = 0;
        HeaderAccepted = false;
        Error = ImageError.None;
        DeviceTreeError = DeviceTreeError.None;
        DeviceTreeAddress = 0;
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
                    TakeFixedHeader();
            }
            else if (_received < _headerLength && FormatVersion == KernelImageParts.Version)
            {
                // Version 2's part table (and signature): all of it before a byte is written.
                int take = (int)Math.Min((ulong)data.Length, _headerLength - _received);
                data.Slice(0, take).CopyTo(_header.AsSpan((int)_received));
                _received += (ulong)take;
                data = data.Slice(take);
                if (_received == _headerLength)
                    TakePartTable();
            }
            else if (FormatVersion == KernelImageParts.Version)
            {
                data = TakePartBytes(data);
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
        // Version 2 checked each part's hash as it ended, but the last the hashing core owes.
        if (FormatVersion == KernelImageParts.Version)
        {
            WaitForPendingPart();
            if (Error == ImageError.None && Protocol != BootProtocol.Unikernel && EditsDeviceTree)
                EditDeviceTree();
            return Error;
        }
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
        if (!_digest.AsSpan().SequenceEqual(new KernelImage(_header.AsSpan(0, KernelImage.FixedHeaderLength)).PayloadSha256))
            return Error = ImageError.Sha256Mismatch;
        return ImageError.None;
    }

    private void TakeFixedHeader()
    {
        if (KernelImage.StartsWithMagic(_header) && KernelImageParts.IsVersion2(_header))
        {
            if (!KernelImageParts.CheckFixedHeader(_header, out var fixedReason))
            {
                Error = fixedReason;
                return;
            }
            FormatVersion = KernelImageParts.Version;
            _headerLength = (ulong)KernelImageParts.AnnouncedHeaderLength(_header);
            return;
        }
        TakeHeader();
    }

    private void TakePartTable()
    {
        var parts = Parts;
        if (!KernelImageParts.Check(parts.Buffer, _memory, _forbidden, out var reason))
        {
            Error = reason;
            return;
        }
        if (parts.Protocol != BootProtocol.Unikernel && !StartsLinux)
        {
            Error = ImageError.LinuxNotBuiltIn;
            return;
        }
        if (parts.Protocol != BootProtocol.Unikernel && LinuxProtocol != BootProtocol.Unikernel && parts.Protocol != LinuxProtocol)
        {
            Error = ImageError.ProtocolNotForThisBoard;
            return;
        }
        if (!SignatureAccepted())
            return;
        var kernel = parts.Part(parts.IndexOf(PartKind.Kernel));
        _load = kernel.LoadAddress;
        KernelLength = kernel.Length;
        _payloadLength = parts.PayloadLength;
        EntryPoint = parts.EntryPoint;
        HeaderAccepted = true;
        StartPart();
    }

    /// <summary>The current part's next bytes, as many as it still takes; returns the rest.</summary>
    private ReadOnlySpan<byte> TakePartBytes(ReadOnlySpan<byte> data)
    {
        var parts = Parts;
        if (_part >= parts.PartCount)
        {
            Error = ImageError.DataAfterPayload;
            return data;
        }
        var part = parts.Part(_part);
        int take = (int)Math.Min((uint)data.Length, part.Length - _partReceived);
        var piece = data.Slice(0, take);
        if (part.Kind == PartKind.CommandLine)
        {
            piece.CopyTo(_commandLine.AsSpan((int)_partReceived));
        }
        else
        {
            _destination.Write(part.LoadAddress + _partReceived, piece);
            if (part.Kind == PartKind.Kernel && _partReceived < KernelImageParts.KernelHeadLength)
            {
                int head = Math.Min(take, KernelImageParts.KernelHeadLength - (int)_partReceived);
                piece.Slice(0, head).CopyTo(_kernelHead.AsSpan((int)_partReceived));
            }
        }
        _partReceived += (uint)take;
        _received += (ulong)take;
        if (_partHashedBehind)
        {
            if (!_partJobBegun)
                TryBeginPartJob();
            else
                _hashingCore!.Placed(_partReceived);
        }
        else
        {
            _hash.Append(piece);
        }
        if (_partReceived == part.Length && Error == ImageError.None)
            EndPart();
        return data.Slice(take);
    }

    /// <summary>Readies the hash for part <see cref="_part"/>; an empty part ends at once.</summary>
    private void StartPart()
    {
        var parts = Parts;
        if (_part >= parts.PartCount)
            return;
        var part = parts.Part(_part);
        _partReceived = 0;
        // The command line stays here, in memory the hashing core is not told of.
        _partHashedBehind = _hashingCore != null && part.Length > 0 && part.Kind != PartKind.CommandLine;
        _partJobBegun = false;
        if (_partHashedBehind)
            TryBeginPartJob();
        else
            _hash = new Sha256();
        if (part.Length == 0)
            EndPart();
    }

    /// <summary>
    /// Gives the current part to the hashing core once it has finished the part before (one job
    /// at a time): its digest is checked then, without waiting. Until then this part's bytes are
    /// placed all the same; the hashing core reads them from memory when its job begins.
    /// </summary>
    private void TryBeginPartJob()
    {
        if (_pendingPart >= 0)
        {
            if (!_hashingCore!.TryTakeFinishedDigest(_digest))
                return;
            int pending = _pendingPart;
            _pendingPart = -1;
            if (!CheckPart(pending, _hashingCore.FinishedOnCore))
                return;
        }
        var part = Parts.Part(_part);
        _hashingCore!.Begin((nuint)part.LoadAddress, part.Length);
        _partJobBegun = true;
        if (_partReceived > 0)
            _hashingCore.Placed(_partReceived);
    }

    /// <summary>Waits for the hashing core's digest of the part it still hashes, and checks it.</summary>
    private void WaitForPendingPart()
    {
        if (_pendingPart < 0)
            return;
        long waitFrom = GenericTimer.Milliseconds;
        bool finished = _hashingCore!.TryTakeDigest(_digest, HashingCore.StallMilliseconds);
        HashWaitMilliseconds += GenericTimer.Milliseconds - waitFrom;
        int pending = _pendingPart;
        _pendingPart = -1;
        if (!finished)
        {
            Error = ImageError.HashingStalled;
            return;
        }
        CheckPart(pending, _hashingCore.FinishedOnCore);
    }

    /// <summary>
    /// Part <see cref="_part"/> is in: hashed here, it is checked now; hashed behind, its job is
    /// begun if it was not (after the part before it, waited for) and its digest left pending,
    /// checked when the next part's job begins or at <see cref="Finish"/>. Then the next part.
    /// </summary>
    private void EndPart()
    {
        if (_partHashedBehind)
        {
            if (!_partJobBegun)
            {
                WaitForPendingPart();
                if (Error != ImageError.None)
                    return;
                TryBeginPartJob();
            }
            _pendingPart = _part;
        }
        else
        {
            _hash.Finish(_digest);
            if (!CheckPart(_part, Cpu.Core))
                return;
        }
        _part++;
        _partHashedBehind = false;
        _partJobBegun = false;
        StartPart();
    }

    /// <summary>
    /// Part <paramref name="index"/>'s digest (in <see cref="_digest"/>, made on <paramref name="hashedOnCore"/>)
    /// against its entry, then what its kind must satisfy: a command line without NUL, a kernel
    /// with its own header (<see cref="KernelImageParts.CheckKernelHead"/>). False, with the
    /// reason in <see cref="Error"/>, if it fails.
    /// </summary>
    private bool CheckPart(int index, int hashedOnCore)
    {
        var parts = Parts;
        var part = parts.Part(index);
        if (!_digest.AsSpan().SequenceEqual(part.Sha256))
        {
            MismatchedPart = index;
            Error = ImageError.Sha256Mismatch;
            return false;
        }
        if (part.Kind == PartKind.CommandLine)
        {
            _commandLineLength = (int)part.Length;
            if (CommandLine.IndexOf((byte)0) >= 0)
            {
                Error = ImageError.CommandLineHasNul;
                return false;
            }
        }
        else if (part.Kind == PartKind.Kernel)
        {
            HashedOnCore = hashedOnCore;
            var head = _kernelHead.AsSpan(0, (int)Math.Min(part.Length, (uint)KernelImageParts.KernelHeadLength));
            var reason = KernelImageParts.CheckKernelHead(parts.Protocol, head, part.LoadAddress, part.Room);
            if (reason != ImageError.None)
            {
                Error = reason;
                return false;
            }
        }
        return true;
    }

    private void TakeHeader()
    {
        if (!KernelImage.CheckFixedHeader(_header, _memory, _forbidden, out var reason))
        {
            Error = reason;
            return;
        }
        var image = new KernelImage(_header);
        FormatVersion = KernelImage.Version;
        if (!SignatureAccepted())
            return;
        _headerLength = (ulong)image.HeaderLength;
        _load = image.LoadAddress;
        _payloadLength = image.PayloadLength;
        KernelLength = _payloadLength;
        EntryPoint = image.EntryPoint;
        HeaderAccepted = true;
        if (_hashingCore != null && _payloadLength > 0 && _payloadLength <= uint.MaxValue)
        {
            _hashingCore.Begin((nuint)_load, (uint)_payloadLength);
            _hashingBehind = true;
        }
    }

    /// <summary>With a <see cref="PublicKey"/>: the header's signature checked (version 1 has none); false, with the reason in <see cref="Error"/>, when refused.</summary>
    private bool SignatureAccepted()
    {
        if (PublicKey.Length == 0)
            return true;
        if (ImageSignature.Check(Header, PublicKey, out var reason))
            return true;
        Error = reason;
        return false;
    }

    /// <summary>Linux's edits to the device tree part where it was placed, growing into its room.</summary>
    private void EditDeviceTree()
    {
        var parts = Parts;
        int treeIndex = parts.IndexOf(PartKind.DeviceTree);
        var treePart = parts.Part(treeIndex);
        var tree = new FlattenedDeviceTree(_destination.Placed(treePart.LoadAddress, (int)treePart.Room));
        var settings = new LinuxBootSettings
        {
            Bootargs = CommandLine,
            MemoryBase = _memory.Start,
            MemorySize = _memory.Length,
            Psci = true,
        };
        int initrdIndex = parts.IndexOf(PartKind.Initrd);
        if (initrdIndex >= 0)
        {
            var initrd = parts.Part(initrdIndex);
            settings.InitrdStart = initrd.LoadAddress;
            settings.InitrdEnd = initrd.LoadAddress + initrd.Length;
        }
        DeviceTreeError = LinuxBootEdits.Apply(tree, settings);
        if (DeviceTreeError != DeviceTreeError.None)
        {
            Error = ImageError.DeviceTreeRefused;
            return;
        }
        DeviceTreeAddress = treePart.LoadAddress;
    }
}
