using System.Buffers.Binary;
using Unikernel.Net.Dhcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Dhcp;

[Collection("Allocation")]
public class DhcpFuzzAndAllocationTests
{
    private static readonly MacAddress Mac = DhcpGolden.ClientMac;

    /// <summary>
    /// 20,000 payloads, seeded so a failure replays: the golden OFFER and ACK (and a NAK) with the
    /// client's current xid, then truncated, extended with junk, bit-flipped, with option bytes
    /// and lengths overwritten, or left intact so the state machine moves on; time advances and
    /// Poll runs between them. Nothing may throw, the lease invariants must hold after each one,
    /// and whatever Poll writes must parse.
    /// </summary>
    [Fact]
    public void Mutated_offers_and_acks_never_throw_and_keep_the_client_consistent()
    {
        var random = new Random(20250214);
        var client = new DhcpClient(Mac, 99);
        byte[] buffer = new byte[700];
        byte[] payload = new byte[DhcpClient.PayloadLength];
        byte[][] seeds = [DhcpGolden.OfferBytes(), DhcpGolden.AckBytes(),
            DhcpGolden.Reply(DhcpMessageType.Nak, 0, Mac, Ipv4Address.Any, DhcpGolden.Address(54, Tests.Wire.Golden.V4("192.168.100.1")))];
        long now = 0;
        int bound = 0, offered = 0, ignored = 0;
        for (int n = 1; n <= 20_000; n++)
        {
            byte[] seed = seeds[random.Next(10) < 9 ? random.Next(2) : 2];
            seed.CopyTo(buffer, 0);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), client.TransactionId);
            int length = Mutate(random, buffer, seed.Length);
            DhcpEvent happened;
            try
            {
                happened = client.Receive(buffer.AsSpan(0, length), now);
            }
            catch (Exception exception)
            {
                Assert.Fail($"payload {n} ({Convert.ToHexString(buffer, 0, length)}) threw {exception}");
                return;
            }
            if (happened == DhcpEvent.Bound || happened == DhcpEvent.Renewed)
                bound++;
            else if (happened == DhcpEvent.Offered)
                offered++;
            else if (happened == DhcpEvent.Ignored)
                ignored++;
            AssertConsistent(ref client);

            now += random.Next(4) == 0 ? random.Next(4_000_000) : random.Next(5000);
            if (now >= client.NextDeadline)
            {
                int written = client.Poll(now, payload, out _, out _);
                if (written != 0)
                    Assert.True(DhcpMessage.Check(payload.AsSpan(0, written), out _));
                AssertConsistent(ref client);
            }
        }
        Assert.True(offered > 100, $"only {offered} offers taken");
        Assert.True(bound > 100, $"only {bound} ACKs taken");
        Assert.True(ignored > 1000, $"only {ignored} ignored");
    }

    private static void AssertConsistent(ref DhcpClient client)
    {
        bool leased = client.State is DhcpState.Bound or DhcpState.Renewing or DhcpState.Rebinding;
        Assert.Equal(leased, !client.Address.IsUnspecified);
        Assert.InRange(client.PrefixLength, 0, 32);
        if (leased)
        {
            Assert.True(client.RenewAt <= client.RebindAt);
            Assert.True(client.RebindAt <= client.LeaseExpiresAt);
        }
        else
            Assert.Equal(0, client.LeaseSeconds);
    }

    private static int Mutate(Random random, byte[] buffer, int length)
    {
        switch (random.Next(8))
        {
            case 0: // truncated anywhere
                return random.Next(length + 1);
            case 1: // extended with junk after the end option
                int extended = random.Next(length, buffer.Length + 1);
                random.NextBytes(buffer.AsSpan(length, extended - length));
                return extended;
            case 2: // bit flips
                for (int i = random.Next(1, 4); i > 0; i--)
                    buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                return length;
            case 3: // option bytes (codes, lengths, values) overwritten
                for (int i = random.Next(1, 4); i > 0; i--)
                    buffer[DhcpMessage.OptionsOffset + random.Next(60)] = (byte)random.Next(256);
                return length;
            case 4: // an option length made large or small
                buffer[DhcpMessage.OptionsOffset + 1 + 6 * random.Next(8)] = (byte)random.Next(256);
                return length;
            case 5: // the options area random
                random.NextBytes(buffer.AsSpan(DhcpMessage.OptionsOffset, length - DhcpMessage.OptionsOffset));
                return length;
            default: // intact, so the state machine gets somewhere
                return length;
        }
    }

    /// <summary>
    /// 1000 whole exchanges after warm-up: DISCOVER, OFFER, REQUEST, ACK, renewal at T1, its ACK,
    /// then a NAK back to Init. Poll and Receive allocate nothing.
    /// </summary>
    [Fact]
    public void Exchanges_allocate_nothing_after_warm_up()
    {
        var client = new DhcpClient(Mac, 1234);
        byte[] offer = DhcpGolden.OfferBytes();
        byte[] ack = DhcpGolden.AckBytes();
        byte[] nak = DhcpGolden.Reply(DhcpMessageType.Nak, 0, Mac, Ipv4Address.Any, DhcpGolden.Address(54, Tests.Wire.Golden.V4("192.168.100.1")));
        byte[] payload = new byte[DhcpClient.PayloadLength];
        long now = 0;
        int events = 0;

        void Exchange()
        {
            now = Math.Max(now, client.NextDeadline);
            events += client.Poll(now, payload, out _, out _) == 0 ? 0 : 1;
            BinaryPrimitives.WriteUInt32BigEndian(offer.AsSpan(4), client.TransactionId);
            events += client.Receive(offer, now) == DhcpEvent.Offered ? 1 : 0;
            events += client.Poll(now, payload, out _, out _) == 0 ? 0 : 1;
            BinaryPrimitives.WriteUInt32BigEndian(ack.AsSpan(4), client.TransactionId);
            events += client.Receive(ack, now) == DhcpEvent.Bound ? 1 : 0;
            now = client.NextDeadline;
            events += client.Poll(now, payload, out _, out _) == 0 ? 0 : 1;
            BinaryPrimitives.WriteUInt32BigEndian(ack.AsSpan(4), client.TransactionId);
            events += client.Receive(ack, now) == DhcpEvent.Renewed ? 1 : 0;
            now = client.NextDeadline;
            events += client.Poll(now, payload, out _, out _) == 0 ? 0 : 1;
            BinaryPrimitives.WriteUInt32BigEndian(nak.AsSpan(4), client.TransactionId);
            events += client.Receive(nak, now) == DhcpEvent.Nak ? 1 : 0;
            events += client.TryTakeEvent(out _) ? 1 : 0;
        }

        for (int i = 0; i < 100; i++)
            Exchange();
        events = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            Exchange();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(8 * 1000, events);
    }
}
