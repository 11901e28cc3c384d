using System.Buffers.Binary;
using Unikernel.Net.Wire;
using Unikernel.Tool.HostStack;

namespace Unikernel.Tests.Tool;

/// <summary>
/// hoststack's TAP offloads (host only): segments it sends back to back are joined for Linux to
/// split (TcpSegmentCoalescer, IPv4 and IPv6), and what Linux sends joined is cut back
/// (TcpSegmentSplitter) into exactly the segments a wire would carry. Round trips, no TAP needed.
/// </summary>
public class TapOffloadTests
{
    private const int SegmentSize = 1448;
    private const int Headers = 14 + 20 + 32; // Ethernet, IPv4, TCP with timestamps
    private const int Ipv6Headers = 14 + 40 + 32; // Ethernet, IPv6, TCP with timestamps
    private const int Ipv6TcpOffset = 14 + 40;

    [Fact]
    public void Back_to_back_segments_join_into_one_write_and_cut_back_into_the_same_segments()
    {
        var segments = Enumerable.Range(0, 5).Select(i => Segment(i, i == 4 ? 500 : SegmentSize, psh: i == 4)).ToArray();
        var coalescer = new TcpSegmentCoalescer();
        var writes = new List<byte[]>();
        bool Write(byte[] buffer, int length)
        {
            writes.Add(buffer[..length]);
            return true;
        }
        foreach (var segment in segments)
            Assert.True(coalescer.TryTake(segment, Write));
        coalescer.Flush(Write);

        var joined = Assert.Single(writes);
        var header = joined.AsSpan(0, TcpSegmentCoalescer.VirtioHeaderLength);
        Assert.Equal(1, header[1]); // VIRTIO_NET_HDR_GSO_TCPV4
        Assert.Equal(SegmentSize, BinaryPrimitives.ReadUInt16LittleEndian(header[4..]));
        Assert.Equal(TcpSegmentCoalescer.VirtioHeaderLength + Headers + 4 * SegmentSize + 500, joined.Length);

        var splitter = new TcpSegmentSplitter();
        byte[] frame = joined[TcpSegmentCoalescer.VirtioHeaderLength..];
        Assert.Equal(0, splitter.Take(header, frame, frame.Length));
        foreach (var expected in segments)
        {
            Assert.True(splitter.TryNext(out var cut));
            Assert.Equal(expected, cut.ToArray());
        }
        Assert.False(splitter.TryNext(out _));
    }

    [Fact]
    public void Back_to_back_ipv6_segments_join_into_one_tcpv6_write_and_cut_back_into_the_same_segments()
    {
        var segments = Enumerable.Range(0, 5).Select(i => Ipv6Segment(i, i == 4 ? 700 : SegmentSize, psh: i == 4)).ToArray();
        var writes = new List<byte[]>();
        var coalescer = new TcpSegmentCoalescer();
        foreach (var segment in segments)
            Assert.True(coalescer.TryTake(segment, Recorder(writes)));
        coalescer.Flush(Recorder(writes));

        var joined = Assert.Single(writes);
        var header = joined.AsSpan(0, TcpSegmentCoalescer.VirtioHeaderLength);
        byte[] frame = joined[TcpSegmentCoalescer.VirtioHeaderLength..];
        Assert.Equal(1, header[0]); // VIRTIO_NET_HDR_F_NEEDS_CSUM
        Assert.Equal(4, header[1]); // VIRTIO_NET_HDR_GSO_TCPV6
        Assert.Equal(Ipv6Headers, BinaryPrimitives.ReadUInt16LittleEndian(header[2..]));
        Assert.Equal(SegmentSize, BinaryPrimitives.ReadUInt16LittleEndian(header[4..]));
        Assert.Equal(Ipv6TcpOffset, BinaryPrimitives.ReadUInt16LittleEndian(header[6..]));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(header[8..]));
        Assert.Equal(Ipv6Headers + 4 * SegmentSize + 700, frame.Length);
        // The payload length covers the whole joined payload; the checksum field holds the pseudo-header's sum for Linux to complete.
        Assert.Equal(frame.Length - 14 - 40, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14 + 4)));
        ushort pseudo = InternetChecksum.PseudoHeaderSum(new Ipv6Address(frame.AsSpan(22, 16)), new Ipv6Address(frame.AsSpan(38, 16)), IpProtocol.Tcp, frame.Length - Ipv6TcpOffset);
        Assert.Equal(pseudo, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(Ipv6TcpOffset + 16)));

        var splitter = new TcpSegmentSplitter();
        Assert.Equal(0, splitter.Take(header, frame, frame.Length));
        foreach (var expected in segments)
        {
            Assert.True(splitter.TryNext(out var cut));
            Assert.Equal(expected, cut.ToArray());
        }
        Assert.False(splitter.TryNext(out _));
    }

    [Fact]
    public void An_ipv6_segment_behind_an_extension_header_or_of_another_family_is_not_joined()
    {
        var writes = new List<byte[]>();
        var coalescer = new TcpSegmentCoalescer();
        byte[] behindOptions = Ipv6Segment(0, SegmentSize, psh: false);
        behindOptions[14 + 6] = 0; // next header: Hop-by-Hop Options, not TCP
        Assert.False(coalescer.TryTake(behindOptions, Recorder(writes)));

        // An IPv4 segment pending, then the IPv6 one: each goes out on its own, as it is.
        Assert.True(coalescer.TryTake(Segment(0, SegmentSize, psh: false), Recorder(writes)));
        Assert.True(coalescer.TryTake(Ipv6Segment(0, SegmentSize, psh: false), Recorder(writes)));
        coalescer.Flush(Recorder(writes));
        Assert.Equal(2, writes.Count);
        Assert.All(writes, write => Assert.Equal(0, write[1])); // VIRTIO_NET_HDR_GSO_NONE
        Assert.Equal(Segment(0, SegmentSize, psh: false), writes[0][TcpSegmentCoalescer.VirtioHeaderLength..]);
        Assert.Equal(Ipv6Segment(0, SegmentSize, psh: false), writes[1][TcpSegmentCoalescer.VirtioHeaderLength..]);
    }

    [Fact]
    public void Ipv6_segments_of_another_flow_label_are_not_joined()
    {
        var writes = new List<byte[]>();
        var coalescer = new TcpSegmentCoalescer();
        byte[] second = Ipv6Segment(1, SegmentSize, psh: false);
        second[14 + 3] ^= 1; // the flow label's low bits (RFC 8200 3)
        Assert.True(coalescer.TryTake(Ipv6Segment(0, SegmentSize, psh: false), Recorder(writes)));
        Assert.True(coalescer.TryTake(second, Recorder(writes)));
        coalescer.Flush(Recorder(writes));
        Assert.Equal(2, writes.Count);
    }

    private static Func<byte[], int, bool> Recorder(List<byte[]> writes) => (buffer, length) =>
    {
        writes.Add(buffer[..length]);
        return true;
    };

    [Fact]
    public void A_pure_ack_and_a_segment_after_a_short_one_are_not_joined()
    {
        var coalescer = new TcpSegmentCoalescer();
        var writes = new List<int>();
        bool Write(byte[] buffer, int length)
        {
            writes.Add(length);
            return true;
        }
        Assert.False(coalescer.TryTake(Segment(0, 0, psh: false), Write));
        Assert.True(coalescer.TryTake(Segment(0, 100, psh: false), Write));
        // Contiguous, but longer than the first: Linux cuts every segment to the first one's size, so the pending frame goes out first.
        Assert.True(coalescer.TryTake(Segment(1, SegmentSize, psh: false, sequenceOffset: 100 - SegmentSize), Write));
        Assert.Single(writes);
        coalescer.Flush(Write);
        Assert.Equal(2, writes.Count);
    }

    [Fact]
    public void A_frame_whose_checksum_linux_left_to_us_is_completed()
    {
        byte[] frame = Segment(0, 300, psh: true);
        int tcpLength = frame.Length - 34;
        ushort pseudo = InternetChecksum.PseudoHeaderSum(new Ipv4Address(frame.AsSpan(26, 4)), new Ipv4Address(frame.AsSpan(30, 4)), IpProtocol.Tcp, tcpLength);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34 + 16), pseudo);
        var header = new byte[TcpSegmentCoalescer.VirtioHeaderLength];
        header[0] = 1; // VIRTIO_NET_HDR_F_NEEDS_CSUM
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 34);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), 16);

        Assert.Equal(frame.Length, new TcpSegmentSplitter().Take(header, frame, frame.Length));
        Assert.Equal(0xFFFF, InternetChecksum.Sum(frame.AsSpan(34), pseudo));
        Assert.Equal(Segment(0, 300, psh: true), frame);
    }

    /// <summary>Segment <paramref name="index"/> of a stream from [fd00:77::2]:19 to [fd00:77::1]:40000, checksummed, with a flow label.</summary>
    private static byte[] Ipv6Segment(int index, int payload, bool psh)
    {
        var frame = new byte[Ipv6Headers + payload];
        new byte[] { 2, 0, 0x5e, 0x77, 0, 1, 2, 0, 0x5e, 0x77, 0, 2, 0x86, 0xDD }.CopyTo(frame, 0);
        var ip = frame.AsSpan(14);
        new byte[] { 0x60, 0x0A, 0xBC, 0xDE }.CopyTo(ip); // version 6, traffic class 0, flow label 0xABCDE
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(frame.Length - 14 - 40));
        ip[6] = 6;
        ip[7] = 64;
        var source = new byte[] { 0xfd, 0, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
        var destination = new byte[] { 0xfd, 0, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
        source.CopyTo(ip[8..]);
        destination.CopyTo(ip[24..]);
        var tcp = ip[40..];
        FillTcp(tcp, index, payload, psh, 0);
        for (int i = 0; i < payload; i++)
            frame[Ipv6Headers + i] = (byte)(index * 17 + i);
        ushort pseudo = InternetChecksum.PseudoHeaderSum(new Ipv6Address(source), new Ipv6Address(destination), IpProtocol.Tcp, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~InternetChecksum.Sum(tcp, pseudo));
        return frame;
    }

    private static void FillTcp(Span<byte> tcp, int index, int payload, bool psh, int sequenceOffset)
    {
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 19);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 40000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], (uint)(1000 + sequenceOffset + index * SegmentSize));
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 5000);
        tcp[12] = 8 << 4;
        tcp[13] = (byte)(0x10 | (psh ? 0x08 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 4096);
        // NOP, NOP, timestamps (RFC 7323), the same in every segment.
        new byte[] { 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 3 }.CopyTo(tcp[20..]);
    }

    /// <summary>Segment <paramref name="index"/> of a stream from 169.254.77.2:19 to 169.254.77.1:40000, checksummed, IP ids counting up.</summary>
    private static byte[] Segment(int index, int payload, bool psh, int sequenceOffset = 0)
    {
        var frame = new byte[Headers + payload];
        new byte[] { 2, 0, 0x5e, 0x77, 0, 1, 2, 0, 0x5e, 0x77, 0, 2, 0x08, 0x00 }.CopyTo(frame, 0);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frame.Length - 14));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(0x1234 + index));
        ip[6] = 0x40; // DF
        ip[8] = 64;
        ip[9] = 6;
        new byte[] { 169, 254, 77, 2, 169, 254, 77, 1 }.CopyTo(ip[12..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip[..20]));
        var tcp = ip[20..];
        FillTcp(tcp, index, payload, psh, sequenceOffset);
        for (int i = 0; i < payload; i++)
            frame[Headers + i] = (byte)(index * 31 + i);
        ushort pseudo = InternetChecksum.PseudoHeaderSum(new Ipv4Address(ip.Slice(12, 4)), new Ipv4Address(ip.Slice(16, 4)), IpProtocol.Tcp, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~InternetChecksum.Sum(tcp, pseudo));
        return frame;
    }
}
