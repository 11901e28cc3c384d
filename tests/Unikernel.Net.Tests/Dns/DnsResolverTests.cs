using System.Text;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Dns;

/// <summary>The stub resolver inside the interface: the queries it sends, the answers it takes and refuses, retries, the cache.</summary>
public class DnsResolverTests
{
    private static readonly Ipv6Address Server = Ipv6Address.MapIpv4(PeerIpv4);
    private static readonly Ipv4Address OtherServerIpv4 = Golden.V4("10.0.2.16");
    private static readonly MacAddress OtherServerMac = Golden.Mac("52:54:00:12:34:57");

    /// <summary>An interface at 10.0.2.2/24 that knows the peer's MAC, with the peer as its DNS server.</summary>
    private static NetworkInterface NewResolving(int cacheEntries = 8)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.Ipv6Autoconfiguration = false;
        configuration.DnsCacheEntries = cacheEntries;
        var nic = new NetworkInterface(OurMac, configuration);
        Run(ref nic, ArpReply(PeerIpv4, PeerMac));
        nic.Dns.AddServer(Server);
        return nic;
    }

    private static DnsQuery Start(NetworkInterface nic, string name, DnsRecordType type = DnsRecordType.A)
    {
        Assert.True(nic.Dns.TryStart(Encoding.ASCII.GetBytes(name), type, out var query));
        Assert.Equal(DnsStatus.Pending, nic.Dns.Status(query));
        return query;
    }

    private static SentQuery SentOne(NetworkInterface nic, long now)
    {
        var queries = PollAll(nic, now).Select(SentQuery.From).Where(q => q is not null).ToList();
        Assert.Single(queries);
        return queries[0]!;
    }

    private static Ipv6Address[] Addresses(NetworkInterface nic, DnsQuery query)
    {
        var addresses = new Ipv6Address[DnsResolver.MaximumAddresses];
        return addresses[..nic.Dns.CopyAddresses(query, addresses)];
    }

    [Fact]
    public void A_query_goes_to_the_server_from_a_random_high_port_and_its_answer_resolves()
    {
        var nic = NewResolving();
        var query = Start(nic, "Board.Test");
        var sent = SentOne(nic, 0);
        Assert.Equal(Server, sent.Server);
        Assert.InRange(sent.SourcePort, DnsResolver.FirstEphemeralPort, ushort.MaxValue);
        Assert.Equal("05626f61726404746573740000010001", Convert.ToHexString(sent.Question).ToLowerInvariant());
        Assert.Equal(SocketReadiness.None, nic.Dns.Readiness(query));

        Assert.Empty(Run(ref nic, sent.Answer(records: [DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.7"),
            DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.8")])));
        Assert.Equal(DnsStatus.Resolved, nic.Dns.Status(query));
        Assert.Equal(SocketReadiness.Readable, nic.Dns.Readiness(query));
        Assert.Equal([Ipv6Address.MapIpv4(Golden.V4("169.254.0.7")), Ipv6Address.MapIpv4(Golden.V4("169.254.0.8"))], Addresses(nic, query));
        nic.Dns.Close(query);
        Assert.Equal(DnsStatus.None, nic.Dns.Status(query));
        Assert.Equal(SocketReadiness.Closed, nic.Dns.Readiness(query));
    }

    [Fact]
    public void Each_lookup_draws_its_own_id_and_port()
    {
        var nic = NewResolving();
        Start(nic, "a.test");
        Start(nic, "b.test");
        var sent = PollAll(nic, 0).Select(SentQuery.From).ToList();
        Assert.Equal(2, sent.Count);
        Assert.NotEqual(sent[0]!.SourcePort, sent[1]!.SourcePort);
        Assert.NotEqual(sent[0]!.Id, sent[1]!.Id);
    }

    [Fact]
    public void A_cached_answer_completes_the_next_lookup_at_once_until_its_ttl_runs_out()
    {
        var nic = NewResolving();
        var first = Start(nic, "board.test");
        var sent = SentOne(nic, 0);
        Run(ref nic, sent.Answer(records: DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.7", ttl: 30)));
        nic.Dns.Close(first);

        Assert.True(nic.Dns.TryStart("BOARD.test"u8, DnsRecordType.A, out var again));
        Assert.Equal(DnsStatus.Resolved, nic.Dns.Status(again));
        Assert.All(PollAll(nic, 1000), frame => Assert.Null(SentQuery.From(frame)));
        nic.Dns.Close(again);

        nic.AdvanceClock(30_000);
        var late = Start(nic, "board.test");
        SentOne(nic, 30_000);
        nic.Dns.Close(late);
    }

    [Fact]
    public void A_cname_chain_in_the_answer_is_followed_to_the_addresses()
    {
        var nic = NewResolving();
        var query = Start(nic, "www.test", DnsRecordType.Aaaa);
        var sent = SentOne(nic, 0);
        // www.test CNAME web.test, web.test CNAME board.test, board.test AAAA. The question's name
        // is at 12 (03 www 04 test 00, "test" at 16), the first record at 26 and its data (web.test)
        // at 38 = 0x26, the second's data (board.test) at 56 = 0x38.
        const string WebTest = "03776562c010";   // "web" then a pointer to "test" at offset 16
        const string BoardTest = "05626f617264c010";
        var records = new[]
        {
            DnsTestRecord.Cname(DnsTestRecord.QuestionName, WebTest),
            DnsTestRecord.Cname("c026", BoardTest),
            DnsTestRecord.Aaaa("c038", "fd00::7"),
        };
        Assert.Empty(Run(ref nic, sent.Answer(records: records)));
        Assert.Equal(DnsStatus.Resolved, nic.Dns.Status(query));
        Assert.Equal([Golden.V6("fd00::7")], Addresses(nic, query));
    }

    [Fact]
    public void Addresses_of_another_name_without_a_chain_to_it_are_not_taken()
    {
        var nic = NewResolving();
        var query = Start(nic, "board.test");
        var sent = SentOne(nic, 0);
        Run(ref nic, sent.Answer(records: DnsTestRecord.A("056f7468657200", "169.254.0.9")));
        Assert.Equal(DnsStatus.NoData, nic.Dns.Status(query));
        Assert.Empty(Addresses(nic, query));
    }

    [Theory]
    [InlineData(DnsResponseCode.NameError, 0, DnsStatus.NameError)]
    [InlineData(DnsResponseCode.ServerFailure, 0, DnsStatus.ServerFailure)]
    [InlineData(DnsResponseCode.Refused, 0, DnsStatus.Refused)]
    [InlineData(DnsResponseCode.NoError, DnsMessage.TruncatedFlag, DnsStatus.Truncated)]
    [InlineData(DnsResponseCode.NoError, 0, DnsStatus.NoData)]
    public void Failures_are_reported_each_as_itself(DnsResponseCode code, ushort flags, DnsStatus expected)
    {
        var nic = NewResolving();
        var query = Start(nic, "nowhere.test");
        var sent = SentOne(nic, 0);
        Run(ref nic, sent.Answer(code, flags));
        Assert.Equal(expected, nic.Dns.Status(query));
        Assert.Equal(SocketReadiness.Readable, nic.Dns.Readiness(query));
    }

    [Fact]
    public void Answers_with_another_id_server_port_or_question_are_dropped_and_the_lookup_waits_on()
    {
        var nic = NewResolving();
        var query = Start(nic, "board.test");
        var sent = SentOne(nic, 0);
        var address = DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.7");
        byte[] otherQuestion = Golden.Bytes("056f746865720474657374000001" + "0001");
        byte[] aaaaQuestion = (byte[])sent.Question.Clone();
        aaaaQuestion[^3] = (byte)DnsRecordType.Aaaa;
        var forgeries = new[]
        {
            sent.Answer(id: (ushort)(sent.Id + 1), records: address),
            sent.Answer(from: Ipv6Address.MapIpv4(OtherServerIpv4), records: address),
            sent.Answer(fromPort: 5353, records: address),
            sent.Answer(question: otherQuestion, records: address),
            sent.Answer(question: aaaaQuestion, records: address),
        };
        foreach (byte[] forgery in forgeries)
        {
            Run(ref nic, forgery);
            Assert.Equal(DnsStatus.Pending, nic.Dns.Status(query));
        }
        Assert.Equal((ulong)forgeries.Length, nic.Counters[DropReason.UnexpectedDnsAnswer]);
        Run(ref nic, sent.Answer(records: address));
        Assert.Equal(DnsStatus.Resolved, nic.Dns.Status(query));
    }

    [Fact]
    public void Without_an_answer_it_asks_the_next_server_after_1_s_then_2_s_and_gives_up_after_3_tries()
    {
        var nic = NewResolving();
        Run(ref nic, ArpReply(OtherServerIpv4, OtherServerMac));
        nic.Dns.AddServer(Ipv6Address.MapIpv4(OtherServerIpv4));
        var query = Start(nic, "board.test");
        var first = SentOne(nic, 0);
        Assert.Equal(1000, nic.NextPollAt);
        Assert.Empty(PollAll(nic, 999));
        var second = SentOne(nic, 1000);
        Assert.NotEqual(first.Server, second.Server);
        Assert.Equal(first.SourcePort, second.SourcePort);
        Assert.NotEqual(first.Id, second.Id);
        // The first server's late answer no longer counts: the lookup waits for the second's.
        Run(ref nic, first.Answer(records: DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.7")));
        Assert.Equal(DnsStatus.Pending, nic.Dns.Status(query));
        Assert.Equal(3000, nic.NextPollAt);
        var third = SentOne(nic, 3000);
        Assert.Equal(first.Server, third.Server);
        Assert.Equal(7000, nic.NextPollAt);
        Assert.All(PollAll(nic, 6999), frame => Assert.Null(SentQuery.From(frame)));
        Assert.Equal(DnsStatus.Pending, nic.Dns.Status(query));
        PollAll(nic, 7000);
        Assert.Equal(DnsStatus.TimedOut, nic.Dns.Status(query));
    }

    [Fact]
    public void A_server_of_a_family_we_have_no_address_of_is_passed_over()
    {
        var nic = NewInterface();
        Run(ref nic, ArpReply(PeerIpv4, PeerMac));
        nic.Dns.AddServer(Golden.V6("fd00:77::53")); // no global IPv6 address here: unreachable
        nic.Dns.AddServer(Server);
        var query = Start(nic, "board.test");
        var sent = SentOne(nic, 0);
        Assert.Equal(Server, sent.Server);
        Run(ref nic, sent.Answer(records: DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.7")));
        Assert.Equal(DnsStatus.Resolved, nic.Dns.Status(query));
    }

    [Fact]
    public void A_lookup_waits_without_spending_tries_while_no_server_is_reachable_then_gives_up()
    {
        var nic = NewInterface();
        nic.Dns.AddServer(Golden.V6("fd00:77::53")); // no global IPv6 address here: unreachable
        var query = Start(nic, "board.test");
        for (int second = 0; second < DnsResolver.MaximumUnreachableWaits; second++)
        {
            Assert.All(PollAll(nic, second * 1000L), frame => Assert.Null(SentQuery.From(frame)));
            Assert.Equal(DnsStatus.Pending, nic.Dns.Status(query));
            Assert.Equal((second + 1) * 1000L, nic.NextPollAt);
        }
        PollAll(nic, DnsResolver.MaximumUnreachableWaits * 1000L);
        Assert.Equal(DnsStatus.NoServers, nic.Dns.Status(query));
    }

    [Fact]
    public void A_lookup_with_no_server_known_ends_as_no_servers()
    {
        var nic = NewInterface();
        var query = Start(nic, "board.test");
        PollAll(nic, 0);
        Assert.Equal(DnsStatus.NoServers, nic.Dns.Status(query));
    }

    [Fact]
    public void Only_a_and_aaaa_lookups_of_real_names_start()
    {
        var nic = NewResolving();
        Assert.False(nic.Dns.TryStart("board.test"u8, DnsRecordType.CanonicalName, out _));
        Assert.False(nic.Dns.TryStart("a..test"u8, DnsRecordType.A, out _));
        for (int i = 0; i < NetworkConfiguration.Default.DnsQueries; i++)
            Start(nic, $"n{i}.test");
        Assert.False(nic.Dns.TryStart("one.more"u8, DnsRecordType.A, out _));
    }

    [Fact]
    public void Rdnss_and_dnssl_of_a_router_advertisement_give_a_server_and_a_search_domain()
    {
        var nic = new NetworkInterface(OurMac, NetworkConfiguration.Default);
        PollAll(nic, 0);
        // The test RA plus RDNSS fd00:77::53 for 600 s and DNSSL "lan.test" for 600 s.
        byte[] ra = RouterAdvertisement();
        byte[] withDns = WithOptions(ra, "1903" + "0000" + "00000258" + "fd000077000000000000000000000053",
            "1f03" + "0000" + "00000258" + "036c616e047465737400" + "000000000000");
        Assert.Empty(Run(ref nic, withDns));
        Assert.Equal(1, nic.Dns.ServerCount);
        Assert.True(nic.Dns.Servers.TryGet(0, 0, out var server, out var origin));
        Assert.Equal(Golden.V6("fd00:77::53"), server);
        Assert.Equal(DnsServerOrigin.RouterAdvertisement, origin);
        InterfaceEvent learnt = default;
        while (nic.TryTakeEvent(out var change))
        {
            if (change.Kind == InterfaceEventKind.DnsServerLearnt)
                learnt = change;
        }
        Assert.Equal(InterfaceEventKind.DnsServerLearnt, learnt.Kind);
        Assert.Equal(RouterLinkLocal, learnt.From);
        Assert.Equal(600, learnt.LifetimeSeconds);

        // A single-label name gets the search domain.
        Assert.True(nic.Dns.TryStart("board"u8, DnsRecordType.Aaaa, out var query));
        byte[] text = new byte[64];
        Assert.True(nic.Dns.TryFormatName(query, text, out int length));
        Assert.Equal("board.lan.test", Encoding.ASCII.GetString(text, 0, length));

        // After the lifetime the server is gone.
        nic.AdvanceClock(600_000);
        Assert.Equal(0, nic.Dns.ServerCount);
    }

    [Fact]
    public void Rdnss_with_lifetime_0_removes_the_server()
    {
        var nic = new NetworkInterface(OurMac, NetworkConfiguration.Default);
        Run(ref nic, WithOptions(RouterAdvertisement(), "1903" + "0000" + "00000258" + "fd000077000000000000000000000053"));
        Assert.Equal(1, nic.Dns.ServerCount);
        Run(ref nic, WithOptions(RouterAdvertisement(), "1903" + "0000" + "00000000" + "fd000077000000000000000000000053"));
        Assert.Equal(0, nic.Dns.ServerCount);
    }

    [Fact]
    public void An_ipv6_server_is_asked_over_ipv6_from_our_slaac_address()
    {
        var nic = new NetworkInterface(OurMac, NetworkConfiguration.Default);
        Run(ref nic, WithOptions(RouterAdvertisement(), "1903" + "0000" + "00000258" + "fd000077000000000000000000000053"));
        var query = Start(nic, "board.test", DnsRecordType.Aaaa);
        var frames = PollAll(nic, 0);
        // The server is on-link (fd00:77::/64): first a neighbour solicitation; the query waits for its answer.
        Run(ref nic, NeighborAdvertisement(Golden.V6("fd00:77::53"), OurGlobal, Golden.V6("fd00:77::53"), PeerMac, 0x60));
        frames.AddRange(PollAll(nic, 10));
        var sent = frames.Select(SentQuery.From).Single(q => q is not null)!;
        Assert.Equal(Golden.V6("fd00:77::53"), sent.Server);
        Assert.True(Ipv6Of(frames.Last()).Source == OurGlobal);
        Run(ref nic, sent.Answer(records: DnsTestRecord.Aaaa(DnsTestRecord.QuestionName, "fd00:77::7")));
        Assert.Equal(DnsStatus.Resolved, nic.Dns.Status(query));
        Assert.Equal([Golden.V6("fd00:77::7")], Addresses(nic, query));
    }

    [Fact]
    public void A_lookup_answered_and_closed_allocates_nothing()
    {
        var nic = NewResolving();
        byte[] buffer = new byte[TransmitQueue.SlotSize];
        byte[] reply = new byte[1600];
        var addresses = new Ipv6Address[DnsResolver.MaximumAddresses];
        // One lookup first, to build the answer frame from what it sent (its ID differs each time, so the answer is patched).
        var probe = Start(nic, "board.test");
        var sent = SentOne(nic, 0);
        byte[] answer = sent.Answer(records: DnsTestRecord.A(DnsTestRecord.QuestionName, "169.254.0.7", ttl: 0));
        Run(ref nic, answer);
        nic.Dns.Close(probe);
        long now = 1;
        long allocated = AllocationMeter.LeastOfThree(_ =>
        {
            for (int i = 0; i < 100; i++, now++)
            {
                nic.Dns.TryStart("board.test"u8, DnsRecordType.A, out var query);
                int length = nic.Poll(now, buffer);
                // Patch the answer with this query's ID and port (the UDP checksum is left to be wrong, so fix it).
                var ip = new Ipv4Packet(buffer.AsSpan(EthernetFrame.HeaderLength));
                var udp = new UdpDatagram(ip.Payload);
                var patched = new UdpDatagram(new Ipv4Packet(answer.AsSpan(EthernetFrame.HeaderLength)).Payload);
                patched.DestinationPort = udp.SourcePort;
                patched.Payload[0] = udp.Payload[0];
                patched.Payload[1] = udp.Payload[1];
                patched.FillChecksum(PeerIpv4, OurIpv4);
                nic.Process(answer, reply);
                nic.Dns.CopyAddresses(query, addresses);
                nic.Dns.Close(query);
                Assert.True(length > 0);
            }
        });
        Assert.Equal(0, allocated);
        Assert.Equal(0UL, nic.Counters[DropReason.UnexpectedDnsAnswer]);
    }

    /// <summary>
    /// 20,000 answers to a lookup in progress, mutated (bytes flipped, cut, counts and pointers
    /// overwritten): none faults, each is counted once, and a lookup that ends is restarted.
    /// </summary>
    [Fact]
    public void Mutated_answers_never_fault_and_are_each_counted_once()
    {
        var random = new Random(1035);
        var nic = NewResolving(cacheEntries: 0);
        var query = Start(nic, "www.test");
        var sent = SentOne(nic, 0);
        byte[] seed = sent.Answer(records: [DnsTestRecord.Cname(DnsTestRecord.QuestionName, "03776562c010"),
            DnsTestRecord.A("c026", "169.254.0.7")]);
        int payloadStart = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + UdpDatagram.HeaderLength;
        byte[] reply = new byte[1600];
        var outcomes = new HashSet<DnsStatus>();
        for (int n = 1; n <= 20_000; n++)
        {
            byte[] frame = (byte[])seed.Clone();
            int payloadLength = frame.Length - payloadStart;
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                frame[payloadStart + random.Next(payloadLength)] = (byte)random.Next(256);
            if (random.Next(4) == 0)
                frame = frame[..(payloadStart + random.Next(payloadLength))];
            var ip = new Ipv4Packet(frame.AsSpan(EthernetFrame.HeaderLength));
            ip.TotalLength = (ushort)(frame.Length - EthernetFrame.HeaderLength);
            ip.FillChecksum();
            var udp = new UdpDatagram(ip.Payload);
            udp.Length = (ushort)(frame.Length - EthernetFrame.HeaderLength - Ipv4Packet.MinimumHeaderLength);
            udp.FillChecksum(PeerIpv4, OurIpv4);
            nic.Process(frame, reply);
            Assert.Equal((ulong)n + 1, nic.Counters.Received);
            Assert.Equal(nic.Counters.Received, nic.Counters.Accounted);
            if (nic.Dns.Status(query) != DnsStatus.Pending)
            {
                outcomes.Add(nic.Dns.Status(query));
                nic.Dns.Close(query);
                query = Start(nic, "www.test");
                sent = SentOne(nic, n);
                seed = sent.Answer(records: [DnsTestRecord.Cname(DnsTestRecord.QuestionName, "03776562c010"),
                    DnsTestRecord.A("c026", "169.254.0.7")]);
            }
        }
        Assert.True(nic.Counters[DropReason.UnexpectedDnsAnswer] > 0);
        Assert.Contains(DnsStatus.Resolved, outcomes);
        Assert.True(outcomes.Count > 2, string.Join(", ", outcomes));
    }

    /// <summary>The frame with NDP options appended (hex), lengths and checksum fixed.</summary>
    private static byte[] WithOptions(byte[] frame, params string[] options)
    {
        byte[] extra = Golden.Bytes(string.Concat(options));
        int icmpStart = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength;
        var ip = new Ipv6Packet(frame.AsSpan(EthernetFrame.HeaderLength));
        int icmpLength = ip.PayloadLength;
        byte[] result = new byte[icmpStart + icmpLength + extra.Length];
        frame.AsSpan(0, icmpStart + icmpLength).CopyTo(result);
        extra.CopyTo(result.AsSpan(icmpStart + icmpLength));
        var newIp = new Ipv6Packet(result.AsSpan(EthernetFrame.HeaderLength));
        newIp.PayloadLength = (ushort)(icmpLength + extra.Length);
        FixIcmpv6Checksum(result);
        return result;
    }
}
