using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Netboot;
using Unikernel.Tool.HostStack;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// The upload service (src/Netboot) on the host, against the real network stack of an uploading
/// peer over a wire in memory: every verdict with its reply line (docs/image-format.md), pieces
/// of every size, a connection that stalls or resets midway, and the next upload after each.
/// </summary>
public sealed class NetbootServiceTests
{
    /// <summary>"DRAM": 1 MiB from 0x40000000, whose first 64 KiB play the bootloader.</summary>
    private const ulong DramStart = 0x4000_0000;
    private const int DramLength = 1 << 20;
    private const ulong Load = DramStart + 0x1_0000;

    private readonly List<string> _console = [];
    private readonly ArrayMemory _dram = new(DramStart, new byte[DramLength]);
    private readonly UploadLink<ArrayMemory, RecordedReport> _link;

    public NetbootServiceTests()
    {
        var receiver = new KernelReceiver<ArrayMemory>(_dram.Range, [new AddressRange(DramStart, 0x1_0000)], _dram);
        _link = new(stack => new NetbootService<ArrayMemory, RecordedReport>(stack, receiver, new RecordedReport(_console)));
    }

    private static byte[] Payload(int length, int seed = 1)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    private static byte[] Image(byte[] payload, ulong load = Load, ulong? entry = null)
    {
        var file = new byte[KernelImage.FixedHeaderLength + payload.Length];
        KernelImage.Emit(file, load, entry ?? load + 4, payload);
        payload.CopyTo(file.AsSpan(KernelImage.FixedHeaderLength));
        return file;
    }

    private static string OkLine(byte[] payload, ulong entry = Load + 4) =>
        $"ok {payload.Length} sha256 {Convert.ToHexStringLower(SHA256.HashData(payload))}, jumping to 0x{entry:x8}";

    /// <summary>One upload, sent in one go, half-closed; the reply.</summary>
    private string Upload(byte[] file, bool ipv6 = true)
    {
        var connection = _link.Connect(ipv6);
        _link.Send(connection, file, 1460);
        return _link.Finish(connection);
    }

    /// <summary>A good kernel lands in memory and is answered ok; the service says to jump once the connection is closed.</summary>
    private void UploadsAKernel(int seed)
    {
        var payload = Payload(3000, seed);
        int jumps = _link.Jumps;
        Assert.Equal(OkLine(payload) + "\n", Upload(Image(payload)));
        _link.RunUntil(() => _link.Jumps > jumps, "the service says to jump");
        Assert.Equal(payload, _dram.Bytes.AsSpan((int)(Load - DramStart), payload.Length).ToArray());
        Assert.Equal(Load + 4, _link.Service.Receiver.EntryPoint);
        Assert.Equal(OkLine(payload), _console[^1]);
    }

    [Fact]
    public void A_kernel_is_answered_ok_over_ipv6_and_ipv4_and_jumped_to_once()
    {
        var payload = Payload(20_000);
        Assert.Equal(OkLine(payload) + "\n", Upload(Image(payload), ipv6: true));
        _link.RunUntil(() => _link.Jumps == 1, "the service says to jump");
        Assert.Equal(["upload started", OkLine(payload)], _console);

        payload = Payload(20_000, seed: 2);
        Assert.Equal(OkLine(payload) + "\n", Upload(Image(payload), ipv6: false));
        _link.RunUntil(() => _link.Jumps == 2, "the service says to jump");
        Assert.Equal(payload, _dram.Bytes.AsSpan((int)(Load - DramStart), payload.Length).ToArray());
        _link.Run(2000);
        Assert.Equal(2, _link.Jumps);
    }

    public static TheoryData<int> PieceSizes()
    {
        var sizes = new TheoryData<int>();
        for (int size = 1; size <= 64; size++)
            sizes.Add(size);
        foreach (int size in new[] { 100, 536, 1000, 1459, 1460, 1461, 2048, 4095, 4096, 4097, 6000 })
            sizes.Add(size);
        return sizes;
    }

    /// <summary>The header and payload read in pieces of one size, through a 4 KiB receive buffer whose end they wrap around.</summary>
    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void A_kernel_in_pieces_of_any_size_lands_whole(int pieceSize)
    {
        var payload = Payload(9000, pieceSize);
        var connection = _link.Connect();
        _link.Send(connection, Image(payload), pieceSize);
        Assert.Equal(OkLine(payload) + "\n", _link.Finish(connection));
        _link.RunUntil(() => _link.Jumps == 1, "the service says to jump");
        Assert.Equal(payload, _dram.Bytes.AsSpan((int)(Load - DramStart), payload.Length).ToArray());
    }

    /// <summary>Each way a header is refused: the reply comes at once, before the payload is sent, then the service reads to the FIN, closes, and takes the next upload.</summary>
    [Theory]
    [InlineData(ImageError.BadMagic)]
    [InlineData(ImageError.UnsupportedVersion)]
    [InlineData(ImageError.BadHeaderLength)]
    [InlineData(ImageError.TooLong)]
    [InlineData(ImageError.LoadRangeWraps)]
    [InlineData(ImageError.OverlapsForbidden)]
    [InlineData(ImageError.EntryOutsideImage)]
    [InlineData(ImageError.OutsideMemory)]
    public void A_refused_header_is_answered_at_once_and_the_next_upload_is_taken(ImageError reason)
    {
        var payload = Payload(10_000);
        byte[] file = Image(payload);
        Span<byte> header = file.AsSpan(0, KernelImage.FixedHeaderLength);
        switch (reason)
        {
            case ImageError.BadMagic: header[0] ^= 0xFF; break;
            case ImageError.UnsupportedVersion: header[KernelImage.VersionOffset] = 3; break; // 2 is the parts format
            case ImageError.BadHeaderLength: BinaryPrimitives.WriteUInt16LittleEndian(header[KernelImage.HeaderLengthOffset..], 32); break;
            case ImageError.TooLong: BinaryPrimitives.WriteUInt32LittleEndian(header[KernelImage.PayloadLengthOffset..], DramLength + 1); break;
            case ImageError.LoadRangeWraps: BinaryPrimitives.WriteUInt64LittleEndian(header[KernelImage.LoadAddressOffset..], ulong.MaxValue - 100); break;
            case ImageError.OverlapsForbidden: BinaryPrimitives.WriteUInt64LittleEndian(header[KernelImage.LoadAddressOffset..], DramStart + 0x100); break;
            case ImageError.EntryOutsideImage: BinaryPrimitives.WriteUInt64LittleEndian(header[KernelImage.EntryPointOffset..], Load + (ulong)payload.Length); break;
            case ImageError.OutsideMemory: BinaryPrimitives.WriteUInt64LittleEndian(header[KernelImage.LoadAddressOffset..], DramStart + DramLength - 100); break;
        }
        string expected = $"error: {Encoding.ASCII.GetString(KernelImage.Describe(reason))}\n";

        var connection = _link.Connect(ipv6: reason != ImageError.BadMagic);
        _link.Send(connection, file.AsSpan(0, 1000), 1000);
        _link.Run(100);
        Assert.Equal(expected, _link.ReplySoFar(connection));
        _link.Send(connection, file.AsSpan(1000), 1460);
        Assert.Equal("", _link.Finish(connection));
        Assert.Equal(["upload started", expected.TrimEnd('\n')], _console);
        Assert.True(_dram.Bytes.AsSpan().IndexOfAnyExcept((byte)0) < 0, "nothing written to memory");

        UploadsAKernel(seed: 2);
        Assert.Equal(1, _link.Jumps);
    }

    /// <summary>The verdicts given at the end of the stream, each with its documented line; then the next upload.</summary>
    [Theory]
    [InlineData(ImageError.Truncated)]
    [InlineData(ImageError.PayloadTruncated)]
    [InlineData(ImageError.DataAfterPayload)]
    [InlineData(ImageError.Sha256Mismatch)]
    public void A_refused_stream_is_answered_at_its_end_and_the_next_upload_is_taken(ImageError reason)
    {
        var payload = Payload(5000);
        byte[] file = Image(payload);
        string expected;
        switch (reason)
        {
            case ImageError.Truncated:
                file = file[..40];
                expected = $"error: {Encoding.ASCII.GetString(KernelImage.Describe(reason))}";
                break;
            case ImageError.PayloadTruncated:
                file = file[..^10];
                expected = "error: truncated payload: 4990 of 5000 bytes";
                break;
            case ImageError.DataAfterPayload:
                file = [.. file, 1, 2, 3];
                expected = "error: data after the payload";
                break;
            default:
                file[^1] ^= 1;
                expected = $"error: sha256 mismatch: received {Convert.ToHexStringLower(SHA256.HashData(file.AsSpan(KernelImage.FixedHeaderLength)))}";
                break;
        }
        Assert.Equal(expected + "\n", Upload(file));
        Assert.Equal(["upload started", expected], _console);
        _link.Run(2000);
        Assert.Equal(0, _link.Jumps);

        UploadsAKernel(seed: 3);
    }

    /// <summary>An upload that stops sending is dropped after 30 s (a reset to the peer), not before; the service then takes the next.</summary>
    [Fact]
    public void A_stalled_upload_is_dropped_after_30_seconds_and_the_next_is_taken()
    {
        byte[] file = Image(Payload(10_000));
        var connection = _link.Connect();
        _link.Send(connection, file.AsSpan(0, 3000), 1460);
        _link.Run(NetbootService<ArrayMemory, RecordedReport>.IdleTimeoutMilliseconds - 100);
        Assert.Equal(TcpState.Established, _link.Peer.Tcp.StateOf(connection));
        Assert.True(_link.Service.Busy);

        _link.Run(200);
        _link.RunUntil(() => _link.Peer.Tcp.WasReset(connection), "the peer sees the reset");
        Assert.Equal(["upload started", "upload idle for 30 s, dropped"], _console);
        Assert.False(_link.Service.Busy);

        UploadsAKernel(seed: 4);
        Assert.Equal(1, _link.Jumps);
    }

    /// <summary>A peer that resets the connection midway: the service says how far it got and takes the next upload.</summary>
    [Fact]
    public void An_upload_reset_midway_is_reported_and_the_next_is_taken()
    {
        byte[] file = Image(Payload(10_000));
        var connection = _link.Connect();
        _link.Send(connection, file.AsSpan(0, 4000), 1000);
        _link.Peer.Tcp.Abort(connection);
        _link.RunUntil(() => !_link.Service.Busy, "the service drops the upload");
        Assert.Equal(["upload started", "connection reset after 4000 bytes"], _console);

        UploadsAKernel(seed: 5);
        Assert.Equal(1, _link.Jumps);
    }

    /// <summary>A peer that resets the connection while a refused upload is being drained: no jump, and the next upload is taken.</summary>
    [Fact]
    public void A_refused_upload_reset_while_draining_leaves_the_service_serving()
    {
        byte[] file = Image(Payload(10_000));
        file[0] ^= 0xFF;
        var connection = _link.Connect();
        _link.Send(connection, file.AsSpan(0, 2000), 1000);
        _link.Peer.Tcp.Abort(connection);
        _link.RunUntil(() => !_link.Service.Busy, "the service drops the upload");

        UploadsAKernel(seed: 6);
        Assert.Equal(1, _link.Jumps);
    }

    /// <summary>
    /// hoststack's report (<see cref="UploadLog"/>) takes a stream that is not an image: its
    /// length and SHA-256 (or, counting only, its length) are logged, nothing is replied; an
    /// image is checked as on the board.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hoststack_logs_a_plain_stream_and_checks_an_image(bool hash)
    {
        var log = new List<string>();
        var link = new UploadLink<DiscardedPayload, UploadLog>(stack => new NetbootService<DiscardedPayload, UploadLog>(
            stack, new KernelReceiver<DiscardedPayload>(new AddressRange(0, ulong.MaxValue), [], default), new UploadLog(log.Add, hash)));
        var stream = Payload(50_000);
        stream[0] = 0x7F;
        var connection = link.Connect();
        link.Send(connection, stream, 1460);
        Assert.Equal("", link.Finish(connection));
        string expected = hash
            ? $@"^tcp 1337 received 50000 bytes sha256 {Convert.ToHexStringLower(SHA256.HashData(stream))} in \d+ ms$"
            : @"^tcp 1337 received 50000 bytes in \d+ ms$";
        Assert.Equal("tcp 1337 accepted an upload", log[0]);
        Assert.Matches(expected, log[1]);

        var payload = Payload(5000);
        connection = link.Connect();
        link.Send(connection, Image(payload, load: 0x4200_0000, entry: 0x4200_0000), 1460);
        Assert.Equal(OkLine(payload, 0x4200_0000) + "\n", link.Finish(connection));
        Assert.Equal($"tcp 1337 image: {OkLine(payload, 0x4200_0000)}", log[^1]);
    }
}
