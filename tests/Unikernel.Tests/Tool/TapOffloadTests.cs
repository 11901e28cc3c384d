using System.Buffers.Binary;
using Unikernel.Net.Wire;
using Unikernel.Tool.HostStack;

namespace Unikernel.Tests.Tool;

/// <summary>
/// hoststack's TAP offloads (host only): segments it sends back to back are joined for Linux to
/// split (TcpSegmentCoalescer), and what Linux sends joined is cut back (TcpSegmentSplitter)
/// into exactly the segments a wire would carry. Round trips, no TAP needed.
/// </summary>
public class TapOffloadTests
{
    private const int SegmentSize = 1448;
    private const int Headers = 14 + 20 + 32; // Ethernet, IPv4, TCP with timestamps

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
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 19);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 40000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], (uint)(1000 + sequenceOffset + index * SegmentSize));
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 5000);
        tcp[12] = 8 << 4;
        tcp[13] = (byte)(0x10 | (psh ? 0x08 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 4096);
        // NOP, NOP, timestamps (RFC 7323), the same in every segment.
        new byte[] { 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 3 }.CopyTo(tcp[20..]);
        for (int i = 0; i < payload; i++)
            frame[Headers + i] = (byte)(index * 31 + i);
        ushort pseudo = InternetChecksum.PseudoHeaderSum(new Ipv4Address(ip.Slice(12, 4)), new Ipv4Address(ip.Slice(16, 4)), IpProtocol.Tcp, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~InternetChecksum.Sum(tcp, pseudo));
        return frame;
    }
}
