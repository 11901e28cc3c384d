using System.Buffers.Binary;
using Unikernel.Net.Dhcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Dhcp;

public partial class DhcpClientTests
{
    private static readonly MacAddress Mac = DhcpGolden.ClientMac;
    private static readonly MacAddress OtherMac = Golden.Mac("52:54:00:ab:cd:ef");
    private static readonly Ipv4Address ServerIp = Golden.V4("192.168.100.1");
    private static readonly Ipv4Address OtherServerIp = Golden.V4("192.168.100.2");
    private static readonly Ipv4Address Leased = Golden.V4("192.168.100.50");

    private const long T1 = 1800_000, T2 = 3150_000, Lease = 3600_000;

    /// <summary>What the client sent: the payload and the IP addresses Poll gave for it.</summary>
    private sealed record Sent(byte[] Bytes, Ipv4Address Source, Ipv4Address Destination)
    {
        public DhcpMessage Message
        {
            get
            {
                Assert.True(DhcpMessage.TryParse(Bytes, out var message, out _));
                return message;
            }
        }

        public DhcpMessageType Type
        {
            get
            {
                Assert.True(Message.TryGetMessageType(out var type));
                return type;
            }
        }

        public bool Has(DhcpOptionCode code) => Message.TryGetOption(code, out _);

        public Ipv4Address Address(DhcpOptionCode code)
        {
            Assert.True(Message.TryGetOption(code, out var value));
            return new Ipv4Address(value);
        }
    }

    private static Sent? Poll(ref DhcpClient client, long now)
    {
        byte[] payload = Junk.Buffer(DhcpClient.PayloadLength);
        int length = client.Poll(now, payload, out var source, out var destination);
        if (length == 0)
        {
            Assert.Equal(Ipv4Address.Any, source);
            Assert.Equal(Ipv4Address.Any, destination);
            return null;
        }
        Assert.Equal(DhcpClient.PayloadLength, length);
        return new Sent(payload, source, destination);
    }

    private static Sent PollSends(ref DhcpClient client, long now) =>
        Poll(ref client, now) ?? throw new Xunit.Sdk.XunitException($"nothing sent at {now} in {client.State}");

    private static byte[] Offer(uint xid, MacAddress? chaddr = null, Ipv4Address? server = null) =>
        DhcpGolden.Reply(DhcpMessageType.Offer, xid, chaddr ?? Mac, Leased,
            DhcpGolden.Address(54, server ?? ServerIp), DhcpGolden.Seconds(51, 3600),
            DhcpGolden.Address(1, Golden.V4("255.255.255.0")), DhcpGolden.Address(3, ServerIp));

    private static byte[] Ack(uint xid, Ipv4Address? server = null, uint lease = 3600, uint? t1 = 1800, uint? t2 = 3150,
        Ipv4Address? yiaddr = null)
    {
        var options = new List<(byte, byte[])>
        {
            DhcpGolden.Address(54, server ?? ServerIp),
            DhcpGolden.Seconds(51, lease),
        };
        if (t1 is uint renew)
            options.Add(DhcpGolden.Seconds(58, renew));
        if (t2 is uint rebind)
            options.Add(DhcpGolden.Seconds(59, rebind));
        options.Add(DhcpGolden.Address(1, Golden.V4("255.255.255.0")));
        options.Add(DhcpGolden.Address(28, Golden.V4("192.168.100.255")));
        options.Add(DhcpGolden.Address(3, ServerIp));
        return DhcpGolden.Reply(DhcpMessageType.Ack, xid, Mac, yiaddr ?? Leased, [.. options]);
    }

    private static byte[] Nak(uint xid, Ipv4Address? server = null) =>
        DhcpGolden.Reply(DhcpMessageType.Nak, xid, Mac, Ipv4Address.Any, DhcpGolden.Address(54, server ?? ServerIp));

    /// <summary>A client taken through DISCOVER, OFFER, REQUEST (sent at 100 ms) and ACK.</summary>
    private static DhcpClient BoundClient(uint seed = 1)
    {
        var client = new DhcpClient(Mac, seed);
        PollSends(ref client, 0);
        Assert.Equal(DhcpEvent.Offered, client.Receive(Offer(client.TransactionId), 50));
        PollSends(ref client, 100);
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(client.TransactionId), 150));
        return client;
    }

    private static void AssertClientMessage(Sent sent, DhcpMessageType type, uint xid, Ipv4Address ciaddr)
    {
        var message = sent.Message;
        Assert.Equal(type, sent.Type);
        Assert.Equal(DhcpMessage.BootRequest, message.Operation);
        Assert.Equal(xid, message.TransactionId);
        Assert.Equal(ciaddr, message.ClientAddress);
        Assert.Equal(Ipv4Address.Any, message.YourAddress);
        Assert.Equal(Mac, message.ClientHardwareAddress);
        Assert.Equal(0, message.Flags);
        Assert.True(message.TryGetOption(DhcpOptionCode.ClientIdentifier, out var id));
        Assert.Equal(new byte[] { 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, id.ToArray());
        Assert.True(message.TryGetOption(DhcpOptionCode.ParameterRequestList, out var list));
        Assert.Equal(new byte[] { 1, 3, 6, 15, 51, 54, 58, 59 }, list.ToArray());
    }

    [Fact]
    public void A_new_client_is_in_Init_with_nothing_leased_and_a_discover_due_at_once()
    {
        var client = new DhcpClient(Mac, 7);
        Assert.Equal(DhcpState.Init, client.State);
        Assert.Equal(Mac, client.Mac);
        Assert.Equal(Ipv4Address.Any, client.Address);
        Assert.Equal(Ipv4Address.Any, client.Router);
        Assert.Equal(Ipv4Address.Any, client.Server);
        Assert.Equal(0, client.PrefixLength);
        Assert.Equal(0, client.LeaseSeconds);
        Assert.Equal(0, client.NextDeadline);
        Assert.False(client.TryTakeEvent(out var none));
        Assert.Equal(DhcpEvent.None, none);
    }

    [Fact]
    public void The_whole_life_of_a_lease()
    {
        var client = new DhcpClient(Mac, 1);

        // DISCOVER, broadcast from 0.0.0.0.
        var discover = PollSends(ref client, 0);
        Assert.Equal(DhcpState.Selecting, client.State);
        AssertClientMessage(discover, DhcpMessageType.Discover, client.TransactionId, Ipv4Address.Any);
        Assert.Equal(Ipv4Address.Any, discover.Source);
        Assert.Equal(Ipv4Address.Broadcast, discover.Destination);
        Assert.False(discover.Has(DhcpOptionCode.RequestedIpAddress));
        Assert.False(discover.Has(DhcpOptionCode.ServerIdentifier));
        uint xid = client.TransactionId;

        // The first OFFER is taken and the REQUEST is due at once, same xid.
        Assert.Equal(DhcpEvent.Offered, client.Receive(Offer(xid), 50));
        Assert.Equal(DhcpState.Requesting, client.State);
        Assert.Equal(50, client.NextDeadline);
        Assert.Equal(ServerIp, client.Server);
        Assert.Equal(Ipv4Address.Any, client.Address);
        var request = PollSends(ref client, 100);
        AssertClientMessage(request, DhcpMessageType.Request, xid, Ipv4Address.Any);
        Assert.Equal(Ipv4Address.Any, request.Source);
        Assert.Equal(Ipv4Address.Broadcast, request.Destination);
        Assert.Equal(Leased, request.Address(DhcpOptionCode.RequestedIpAddress));
        Assert.Equal(ServerIp, request.Address(DhcpOptionCode.ServerIdentifier));

        // ACK: bound, the lease counted from when the REQUEST was sent (RFC 2131 4.4.1).
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(xid), 150));
        Assert.Equal(DhcpState.Bound, client.State);
        Assert.Equal(Leased, client.Address);
        Assert.Equal(24, client.PrefixLength);
        Assert.Equal(ServerIp, client.Router);
        Assert.Equal(ServerIp, client.Server);
        Assert.Equal(3600, client.LeaseSeconds);
        Assert.Equal(100 + T1, client.RenewAt);
        Assert.Equal(100 + T2, client.RebindAt);
        Assert.Equal(100 + Lease, client.LeaseExpiresAt);
        Assert.Equal(100 + T1, client.NextDeadline);
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Ack(xid), 160)); // a duplicate: nothing open
        Assert.Null(Poll(ref client, 100 + T1 - 1));

        // T1: Renewing, a new xid, REQUEST unicast to the server from our address, ciaddr set, no 50/54.
        long t1 = 100 + T1;
        var renew = PollSends(ref client, t1);
        Assert.Equal(DhcpState.Renewing, client.State);
        Assert.NotEqual(xid, client.TransactionId);
        AssertClientMessage(renew, DhcpMessageType.Request, client.TransactionId, Leased);
        Assert.Equal(Leased, renew.Source);
        Assert.Equal(ServerIp, renew.Destination);
        Assert.False(renew.Has(DhcpOptionCode.RequestedIpAddress));
        Assert.False(renew.Has(DhcpOptionCode.ServerIdentifier));
        Assert.Equal(t1 + (T2 - T1) / 2, client.NextDeadline);
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Ack(xid), t1 + 1)); // the old exchange's xid

        // Renewed: the lease now counts from the renewing REQUEST.
        Assert.Equal(DhcpEvent.Renewed, client.Receive(Ack(client.TransactionId), t1 + 10));
        Assert.Equal(DhcpState.Bound, client.State);
        Assert.Equal(Leased, client.Address);
        Assert.Equal(t1 + T1, client.RenewAt);
        Assert.Equal(t1 + T2, client.RebindAt);
        Assert.Equal(t1 + Lease, client.LeaseExpiresAt);

        // Now the server is gone. Renewing until T2, unicast, at half the time left (>= 60 s).
        long start = t1;
        long now = client.NextDeadline;
        Assert.Equal(start + T1, now);
        var sent = PollSends(ref client, now);
        Assert.Equal(DhcpState.Renewing, client.State);
        uint renewXid = client.TransactionId;
        int renewals = 1;
        while (client.State == DhcpState.Renewing)
        {
            long next = client.NextDeadline;
            long left = start + T2 - now;
            Assert.Equal(left <= 60_000 ? start + T2 : now + Math.Max(left / 2, 60_000), next);
            now = next;
            sent = PollSends(ref client, now);
            if (client.State == DhcpState.Renewing)
            {
                renewals++;
                Assert.Equal(ServerIp, sent.Destination);
                Assert.Equal(renewXid, client.TransactionId); // a retransmission keeps the xid
            }
        }
        Assert.InRange(renewals, 5, 8);

        // T2: Rebinding, a new xid, REQUEST broadcast from our address, ciaddr set.
        Assert.Equal(DhcpState.Rebinding, client.State);
        Assert.Equal(start + T2, now);
        Assert.NotEqual(renewXid, client.TransactionId);
        AssertClientMessage(sent, DhcpMessageType.Request, client.TransactionId, Leased);
        Assert.Equal(Leased, sent.Source);
        Assert.Equal(Ipv4Address.Broadcast, sent.Destination);
        Assert.False(sent.Has(DhcpOptionCode.ServerIdentifier));
        while (client.State == DhcpState.Rebinding)
        {
            long next = client.NextDeadline;
            long left = start + Lease - now;
            Assert.Equal(left <= 60_000 ? start + Lease : now + Math.Max(left / 2, 60_000), next);
            Assert.False(client.TryTakeEvent(out _));
            now = next;
            sent = PollSends(ref client, now);
        }

        // Expiry: the address is lost, reported once, and a DISCOVER goes in the same Poll.
        Assert.Equal(start + Lease, now);
        Assert.Equal(DhcpState.Selecting, client.State);
        Assert.Equal(Ipv4Address.Any, client.Address);
        Assert.Equal(0, client.PrefixLength);
        Assert.Equal(0, client.LeaseSeconds);
        Assert.True(client.TryTakeEvent(out var expired));
        Assert.Equal(DhcpEvent.LeaseExpired, expired);
        Assert.False(client.TryTakeEvent(out _));
        AssertClientMessage(sent, DhcpMessageType.Discover, client.TransactionId, Ipv4Address.Any);
        Assert.Equal(Ipv4Address.Any, sent.Source);
        Assert.Equal(Ipv4Address.Broadcast, sent.Destination);
    }

    [Fact]
    public void Rebinding_takes_an_ack_from_another_server_and_renews_with_it_next()
    {
        var client = BoundClient();
        PollSends(ref client, client.RebindAt);
        Assert.Equal(DhcpState.Rebinding, client.State);
        Assert.Equal(DhcpEvent.Renewed, client.Receive(Ack(client.TransactionId, OtherServerIp), client.RebindAt + 5));
        Assert.Equal(OtherServerIp, client.Server);
        var renew = PollSends(ref client, client.RenewAt);
        Assert.Equal(OtherServerIp, renew.Destination);
    }

    [Fact]
    public void Renewing_ignores_an_ack_from_another_server()
    {
        var client = BoundClient();
        PollSends(ref client, client.RenewAt);
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Ack(client.TransactionId, OtherServerIp), client.RenewAt + 5));
        Assert.Equal(DhcpState.Renewing, client.State);
    }

    [Fact]
    public void An_ack_with_a_different_address_while_renewing_is_a_new_binding()
    {
        var client = BoundClient();
        PollSends(ref client, client.RenewAt);
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(client.TransactionId, yiaddr: Golden.V4("192.168.100.77")), client.RenewAt + 5));
        Assert.Equal(Golden.V4("192.168.100.77"), client.Address);
    }

    [Fact]
    public void A_late_poll_goes_straight_to_the_right_state()
    {
        var client = BoundClient();
        PollSends(ref client, 100 + T2 + 1); // past T2 without a Poll at T1: Rebinding, not Renewing
        Assert.Equal(DhcpState.Rebinding, client.State);

        client = BoundClient();
        var sent = PollSends(ref client, 100 + Lease + 5_000_000); // past everything: expired, DISCOVER
        Assert.Equal(DhcpState.Selecting, client.State);
        Assert.Equal(DhcpMessageType.Discover, sent.Type);
        Assert.True(client.TryTakeEvent(out var happened));
        Assert.Equal(DhcpEvent.LeaseExpired, happened);
    }

    [Fact]
    public void Without_T1_and_T2_they_are_half_and_seven_eighths_of_the_lease()
    {
        var client = new DhcpClient(Mac, 3);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 10);
        PollSends(ref client, 1000);
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(client.TransactionId, lease: 1000, t1: null, t2: null), 1010));
        Assert.Equal(1000 + 500_000, client.RenewAt);
        Assert.Equal(1000 + 875_000, client.RebindAt);
        Assert.Equal(1000 + 1_000_000, client.LeaseExpiresAt);
    }

    [Fact]
    public void T1_and_T2_beyond_the_lease_fall_back_to_the_defaults()
    {
        var client = new DhcpClient(Mac, 3);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 0);
        PollSends(ref client, 0);
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(client.TransactionId, lease: 100, t1: 90, t2: 200), 10));
        Assert.Equal(50_000, client.RenewAt);
        Assert.Equal(87_500, client.RebindAt);
        Assert.Equal(100_000, client.LeaseExpiresAt);
    }

    [Fact]
    public void A_short_lease_renews_at_T1_and_retransmits_no_sooner_than_60_seconds()
    {
        // dnsmasq with dhcp-option=58,10: T1 10 s, T2 105 s, lease 120 s.
        var client = new DhcpClient(Mac, 3);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 0);
        PollSends(ref client, 0);
        client.Receive(Ack(client.TransactionId, lease: 120, t1: 10, t2: null), 10);
        Assert.Equal(10_000, client.RenewAt);
        Assert.Equal(105_000, client.RebindAt);
        PollSends(ref client, 10_000);
        Assert.Equal(70_000, client.NextDeadline);
        PollSends(ref client, 70_000);
        Assert.Equal(DhcpState.Renewing, client.State);
        Assert.Equal(105_000, client.NextDeadline); // 60 s more would pass T2
        PollSends(ref client, 105_000);
        Assert.Equal(DhcpState.Rebinding, client.State);
        Assert.Equal(120_000, client.NextDeadline);
    }

    [Fact]
    public void An_infinite_lease_never_expires_and_asks_for_no_poll()
    {
        var client = new DhcpClient(Mac, 5);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 10);
        PollSends(ref client, 20);
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(client.TransactionId, lease: 0xFFFFFFFF, t1: null, t2: null), 30));
        Assert.Equal(0xFFFFFFFFL, client.LeaseSeconds);
        Assert.Equal(long.MaxValue, client.NextDeadline);
        Assert.Equal(long.MaxValue, client.LeaseExpiresAt);
        Assert.Null(Poll(ref client, long.MaxValue - 1));
        Assert.Equal(DhcpState.Bound, client.State);
    }

    [Fact]
    public void The_longest_finite_lease_does_not_overflow()
    {
        var client = new DhcpClient(Mac, 5);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 10);
        PollSends(ref client, 20);
        client.Receive(Ack(client.TransactionId, lease: 0xFFFFFFFE, t1: null, t2: null), 30);
        Assert.Equal(20 + 0xFFFFFFFEL * 1000, client.LeaseExpiresAt);
        Assert.Equal(20 + 0xFFFFFFFEL * 1000 / 2, client.RenewAt);
        Assert.Equal(20 + 0xFFFFFFFEL * 1000 * 7 / 8, client.RebindAt);
    }

    [Fact]
    public void A_nak_while_requesting_restarts_from_Init_after_a_short_delay()
    {
        var client = new DhcpClient(Mac, 9);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 10);
        PollSends(ref client, 20);
        uint xid = client.TransactionId;
        Assert.Equal(DhcpEvent.Nak, client.Receive(Nak(xid), 30));
        Assert.Equal(DhcpState.Init, client.State);
        Assert.Equal(Ipv4Address.Any, client.Address);
        Assert.Equal(Ipv4Address.Any, client.Server);
        Assert.Equal(30 + DhcpClient.RestartDelayMilliseconds, client.NextDeadline);
        Assert.Null(Poll(ref client, 29 + DhcpClient.RestartDelayMilliseconds));
        var discover = PollSends(ref client, 30 + DhcpClient.RestartDelayMilliseconds);
        Assert.Equal(DhcpMessageType.Discover, discover.Type);
        Assert.NotEqual(xid, client.TransactionId);
        Assert.Equal(DhcpState.Selecting, client.State);
    }

    [Fact]
    public void A_nak_while_renewing_or_rebinding_takes_the_address_away()
    {
        var client = BoundClient();
        PollSends(ref client, client.RenewAt);
        long at = client.RenewAt + 1;
        Assert.Equal(DhcpEvent.Nak, client.Receive(Nak(client.TransactionId), at));
        Assert.Equal(DhcpState.Init, client.State);
        Assert.Equal(Ipv4Address.Any, client.Address);
        Assert.Equal(0, client.PrefixLength);
        Assert.Equal(Ipv4Address.Any, client.Router);

        client = BoundClient();
        PollSends(ref client, client.RebindAt);
        Assert.Equal(DhcpEvent.Nak, client.Receive(Nak(client.TransactionId, OtherServerIp), client.RebindAt + 1));
        Assert.Equal(DhcpState.Init, client.State);
        Assert.Equal(Ipv4Address.Any, client.Address);
    }

    [Fact]
    public void A_nak_from_another_server_while_requesting_is_ignored()
    {
        var client = new DhcpClient(Mac, 9);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 10);
        PollSends(ref client, 20);
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Nak(client.TransactionId, OtherServerIp), 30));
        Assert.Equal(DhcpState.Requesting, client.State);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    public void Discover_is_retransmitted_at_4_8_16_32_64_64_seconds_plus_or_minus_one(uint seed)
    {
        var client = new DhcpClient(Mac, seed);
        long now = 0;
        PollSends(ref client, now);
        uint xid = client.TransactionId;
        long[] expected = [4000, 8000, 16000, 32000, 64000, 64000, 64000];
        foreach (long nominal in expected)
        {
            long next = client.NextDeadline;
            Assert.InRange(next - now, nominal - 1000, nominal + 1000);
            Assert.Null(Poll(ref client, next - 1));
            now = next;
            var sent = PollSends(ref client, now);
            Assert.Equal(DhcpMessageType.Discover, sent.Type);
            Assert.Equal(xid, client.TransactionId);
            Assert.Equal(DhcpState.Selecting, client.State);
        }
    }

    [Fact]
    public void The_jitter_spreads_over_the_whole_second_either_way()
    {
        long min = long.MaxValue, max = long.MinValue;
        for (uint seed = 0; seed < 2000; seed++)
        {
            var client = new DhcpClient(Mac, seed);
            PollSends(ref client, 0);
            min = Math.Min(min, client.NextDeadline);
            max = Math.Max(max, client.NextDeadline);
        }
        Assert.InRange(min, 3000, 3050);
        Assert.InRange(max, 4950, 5000);
    }

    [Fact]
    public void Requesting_gives_up_after_five_requests_and_starts_over()
    {
        var client = new DhcpClient(Mac, 11);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 10);
        uint xid = client.TransactionId;
        long now = 10;
        long[] gaps = [4000, 8000, 16000, 32000, 64000];
        for (int i = 0; i < 5; i++)
        {
            var sent = PollSends(ref client, now);
            Assert.Equal(DhcpMessageType.Request, sent.Type);
            Assert.Equal(xid, client.TransactionId);
            Assert.InRange(client.NextDeadline - now, gaps[i] - 1000, gaps[i] + 1000);
            now = client.NextDeadline;
        }
        var discover = PollSends(ref client, now);
        Assert.Equal(DhcpMessageType.Discover, discover.Type);
        Assert.Equal(DhcpState.Selecting, client.State);
        Assert.NotEqual(xid, client.TransactionId);
    }

    [Fact]
    public void Replies_for_someone_else_or_malformed_are_ignored()
    {
        var client = new DhcpClient(Mac, 13);
        PollSends(ref client, 0);
        uint xid = client.TransactionId;

        Assert.Equal(DhcpEvent.Ignored, client.Receive(Offer(xid + 1), 1));                          // wrong xid
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Offer(xid, chaddr: OtherMac), 1));            // wrong chaddr
        byte[] request = Offer(xid);
        request[0] = DhcpMessage.BootRequest;                                                          // another client's message
        Assert.Equal(DhcpEvent.Ignored, client.Receive(request, 1));
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Offer(xid).AsSpan(0, 250), 1));               // truncated
        Assert.Equal(DhcpEvent.Ignored, client.Receive([], 1));
        byte[] noType = Offer(xid);
        noType[240] = 0;                                                                              // 53 padded out: plain BOOTP
        noType[241] = 0;
        noType[242] = 0;
        Assert.Equal(DhcpEvent.Ignored, client.Receive(noType, 1));
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Ack(xid), 1));                                 // an ACK while selecting
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Nak(xid), 1));
        Assert.Equal(DhcpEvent.Ignored, client.Receive(                                               // an offer naming no server
            DhcpGolden.Reply(DhcpMessageType.Offer, xid, Mac, Leased, DhcpGolden.Seconds(51, 60)), 1));
        Assert.Equal(DhcpEvent.Ignored, client.Receive(                                               // an offer of 0.0.0.0
            DhcpGolden.Reply(DhcpMessageType.Offer, xid, Mac, Ipv4Address.Any, DhcpGolden.Address(54, ServerIp)), 1));
        Assert.Equal(DhcpState.Selecting, client.State);

        // The first offer wins; a second one is ignored.
        Assert.Equal(DhcpEvent.Offered, client.Receive(Offer(xid), 2));
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Offer(xid, server: OtherServerIp), 3));
        Assert.Equal(ServerIp, client.Server);
        PollSends(ref client, 4);
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Ack(xid, server: OtherServerIp), 5));           // another server's ACK
        Assert.Equal(DhcpEvent.Ignored, client.Receive(                                               // an ACK without a lease time
            DhcpGolden.Reply(DhcpMessageType.Ack, xid, Mac, Leased, DhcpGolden.Address(54, ServerIp)), 5));
        Assert.Equal(DhcpEvent.Ignored, client.Receive(Ack(xid, yiaddr: Ipv4Address.Any), 5));
        Assert.Equal(DhcpState.Requesting, client.State);
        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(xid), 6));
    }

    [Fact]
    public void The_golden_offer_and_ack_bind_a_client_with_their_xid()
    {
        // The golden xid is not the one this client drew: ignored until patched to it.
        var client = new DhcpClient(Mac, 17);
        PollSends(ref client, 0);
        byte[] offer = DhcpGolden.OfferBytes();
        byte[] ack = DhcpGolden.AckBytes();
        Assert.Equal(DhcpEvent.Ignored, client.Receive(offer, 1));
        BinaryPrimitives.WriteUInt32BigEndian(offer.AsSpan(4), client.TransactionId);
        BinaryPrimitives.WriteUInt32BigEndian(ack.AsSpan(4), client.TransactionId);
        Assert.Equal(DhcpEvent.Offered, client.Receive(offer, 1));
        PollSends(ref client, 2);
        Assert.Equal(DhcpEvent.Bound, client.Receive(ack, 3));
        Assert.Equal("192.168.100.50", Golden.Text(client.Address));
        Assert.Equal(24, client.PrefixLength);
        Assert.Equal("192.168.100.1", Golden.Text(client.Router));
        Assert.Equal(2 + T1, client.RenewAt);
    }

    [Fact]
    public void No_mask_means_prefix_32_and_a_non_contiguous_mask_too()
    {
        var client = new DhcpClient(Mac, 19);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 1);
        PollSends(ref client, 2);
        client.Receive(DhcpGolden.Reply(DhcpMessageType.Ack, client.TransactionId, Mac, Leased,
            DhcpGolden.Address(54, ServerIp), DhcpGolden.Seconds(51, 600)), 3);
        Assert.Equal(DhcpState.Bound, client.State);
        Assert.Equal(32, client.PrefixLength);
        Assert.Equal(Ipv4Address.Any, client.Router);

        client = new DhcpClient(Mac, 19);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 1);
        PollSends(ref client, 2);
        client.Receive(DhcpGolden.Reply(DhcpMessageType.Ack, client.TransactionId, Mac, Leased,
            DhcpGolden.Address(54, ServerIp), DhcpGolden.Seconds(51, 600), DhcpGolden.Address(1, Golden.V4("255.0.255.0"))), 3);
        Assert.Equal(32, client.PrefixLength);
    }

    [Fact]
    public void The_seed_decides_the_transaction_ids()
    {
        var a = new DhcpClient(Mac, 42);
        var b = new DhcpClient(Mac, 42);
        var c = new DhcpClient(Mac, 43);
        PollSends(ref a, 0);
        PollSends(ref b, 0);
        PollSends(ref c, 0);
        Assert.Equal(a.TransactionId, b.TransactionId);
        Assert.Equal(a.NextDeadline, b.NextDeadline);
        Assert.NotEqual(a.TransactionId, c.TransactionId);
    }

    /// <summary>
    /// Pinned values for seed 1. A throwaway bare-metal image running the same exchange printed
    /// exactly these on qemu-virt (AArch64) and orangepi-pc (ARMv7) in QEMU, with 0 bytes of heap
    /// used: the PRNG and the lease arithmetic (shifts, no 64-bit division) agree with the host.
    /// </summary>
    [Fact]
    public void Seed_1_gives_the_values_the_bare_metal_build_printed()
    {
        var client = new DhcpClient(Mac, 1);
        PollSends(ref client, 0);
        Assert.Equal(2955472931u, client.TransactionId);
        Assert.Equal(3841, client.NextDeadline);
    }

    [Fact]
    public void Poll_panics_on_a_payload_buffer_shorter_than_PayloadLength()
    {
        var client = new DhcpClient(Mac, 1);
        Assert.Throws<PanicException>(() => client.Poll(0, new byte[DhcpClient.PayloadLength - 1], out _, out _));
    }
}
