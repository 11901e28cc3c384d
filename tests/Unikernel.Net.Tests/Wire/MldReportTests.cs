using System.Buffers.Binary;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class MldReportTests
{
    private static readonly Ipv6Address AllMldv2Routers = Golden.V6("ff02::16");

    [Fact]
    public void The_destination_is_ff02_16()
    {
        Assert.Equal(AllMldv2Routers, MulticastListenerReport.AllMldv2Routers);
        Assert.Equal(Golden.Mac("33:33:00:00:00:16"), MacAddress.FromIpv6Multicast(MulticastListenerReport.AllMldv2Routers));
    }

    [Fact]
    public void Reproduces_the_linux_join_over_junk()
    {
        Ipv6Address[] groups = [NdpGolden.Host.SolicitedNode];
        byte[] emitted = Junk.AssertNoStaleBytes(120, buffer =>
            MulticastListenerReport.Emit(buffer, NdpGolden.Host, groups, MulticastAddressRecordType.ChangeToExcludeMode));
        Assert.Equal(NdpGolden.Packet(NdpGolden.MldReport), emitted);
        Assert.Equal(MulticastListenerReport.PacketLength(1), emitted.Length);
    }

    [Fact]
    public void Reproduces_the_linux_join_from_the_unspecified_address()
    {
        Ipv6Address[] groups = [NdpGolden.Host.SolicitedNode];
        byte[] buffer = new byte[90];
        int length = MulticastListenerReport.Emit(buffer, Ipv6Address.Unspecified, groups, MulticastAddressRecordType.ChangeToExcludeMode);
        Assert.Equal(NdpGolden.Packet(NdpGolden.MldReportFromUnspecified), buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Reproduces_the_linux_answer_to_a_query()
    {
        Ipv6Address[] groups = [NdpGolden.Host.SolicitedNode];
        byte[] buffer = new byte[90];
        int length = MulticastListenerReport.Emit(buffer, NdpGolden.Host, groups, MulticastAddressRecordType.ModeIsExclude);
        Assert.Equal(NdpGolden.Packet(NdpGolden.MldReportModeIsExclude), buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Reproduces_the_linux_four_group_join_over_junk()
    {
        Ipv6Address[] groups = [Golden.V6("ff02::1:ff00:0"), Golden.V6("ff02::1:ffab:cd01"), Golden.V6("ff02::6a"), Ipv6Address.AllRouters];
        byte[] emitted = Junk.AssertNoStaleBytes(200, buffer =>
            MulticastListenerReport.Emit(buffer, NdpGolden.Querier, groups, MulticastAddressRecordType.ChangeToExcludeMode));
        Assert.Equal(NdpGolden.Packet(NdpGolden.MldReportFourGroups), emitted);
    }

    [Fact]
    public void An_emitted_report_parses_and_its_checksum_excludes_the_hop_by_hop_header()
    {
        Ipv6Address[] groups = [Golden.V6("ff02::fb"), Golden.V6("ff05::1:3"), Golden.V6("ff02::1:ff12:3456")];
        byte[] buffer = new byte[200];
        int length = MulticastListenerReport.Emit(buffer, NdpGolden.Host, groups, MulticastAddressRecordType.ChangeToIncludeMode);
        Assert.Equal(40 + 8 + 8 + 60, length);

        Assert.True(Ipv6Packet.TryParse(buffer.AsSpan(0, length), out var ip, out _));
        Assert.Equal(IpProtocol.HopByHop, ip.NextHeader);
        Assert.Equal(1, ip.HopLimit);
        Assert.Equal(AllMldv2Routers, ip.Destination);
        Assert.Equal(length - 40, ip.PayloadLength);
        // The Hop-by-Hop header passes the walker's option checks (Router Alert is known).
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(IpProtocol.Icmpv6, protocol);
        Assert.Equal(8, offset);
        Assert.Equal(Golden.Bytes("3a00050200000100"), ip.Payload.Slice(0, 8).ToArray());

        Span<byte> icmp = ip.Payload.Slice(offset);
        Assert.Equal(68, icmp.Length);
        Assert.Equal((byte)Icmpv6Type.MulticastListenerReportV2, icmp[0]);
        Assert.Equal(0, icmp[1]);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(icmp.Slice(4)));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(icmp.Slice(MulticastListenerReport.RecordCountOffset)));
        for (int i = 0; i < groups.Length; i++)
        {
            Span<byte> record = icmp.Slice(8 + 20 * i, 20);
            Assert.Equal((byte)MulticastAddressRecordType.ChangeToIncludeMode, record[0]);
            Assert.Equal(0, record[1]);
            Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(record.Slice(2)));
            Assert.Equal(groups[i], new Ipv6Address(record.Slice(4)));
        }

        // The pseudo-header length is the ICMPv6 message's (68), not the IPv6 payload's (76).
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Host, AllMldv2Routers, icmp));
        ushort sum = InternetChecksum.Sum(icmp, InternetChecksum.PseudoHeaderSum(NdpGolden.Host, AllMldv2Routers, IpProtocol.Icmpv6, icmp.Length));
        Assert.Equal(0xFFFF, sum);
        Assert.NotEqual(0xFFFF, InternetChecksum.Sum(icmp, InternetChecksum.PseudoHeaderSum(NdpGolden.Host, AllMldv2Routers, IpProtocol.Icmpv6, ip.PayloadLength)));
    }

    [Fact]
    public void A_report_without_groups_is_just_the_header()
    {
        byte[] buffer = new byte[56];
        int length = MulticastListenerReport.Emit(buffer, NdpGolden.Host, ReadOnlySpan<Ipv6Address>.Empty, MulticastAddressRecordType.ModeIsExclude);
        Assert.Equal(56, length);
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Host, AllMldv2Routers, buffer.AsSpan(48)));
    }

    [Fact]
    public void Emit_panics_on_a_buffer_too_small_or_too_many_groups()
    {
        Ipv6Address[] one = [Golden.V6("ff02::fb")];
        Assert.Throws<PanicException>(() => MulticastListenerReport.Emit(new byte[75], NdpGolden.Host, one, MulticastAddressRecordType.ChangeToExcludeMode));
        _ = MulticastListenerReport.Emit(new byte[76], NdpGolden.Host, one, MulticastAddressRecordType.ChangeToExcludeMode);

        var many = new Ipv6Address[MulticastListenerReport.MaximumRecords + 1];
        byte[] big = new byte[70000];
        Assert.Throws<PanicException>(() => MulticastListenerReport.Emit(big, NdpGolden.Host, many, MulticastAddressRecordType.ChangeToExcludeMode));
        int length = MulticastListenerReport.Emit(big, NdpGolden.Host, many.AsSpan(1), MulticastAddressRecordType.ChangeToExcludeMode);
        Assert.True(length - Ipv6Packet.HeaderLength <= Ipv6Packet.MaximumPayloadLength);
        Assert.True(Ipv6Packet.Check(big.AsSpan(0, length), out _));
    }
}
