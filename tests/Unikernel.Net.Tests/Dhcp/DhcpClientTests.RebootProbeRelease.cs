using Unikernel.Net.Dhcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Dhcp;

/// <summary>INIT-REBOOT (RFC 2131 section 3.2), ARP conflict detection and DECLINE (RFC 5227 section 2.1), RELEASE.</summary>
public partial class DhcpClientTests
{
    private static void AssertGolden(string golden, Sent sent) =>
        Assert.Equal(golden.Replace("XID", sent.Message.TransactionId.ToString("x8")), Convert.ToHexString(sent.Bytes).ToLowerInvariant());

    [Fact]
    public void Init_reboot_requests_the_last_address_without_a_server_id_and_an_ack_binds_it()
    {
        var client = new DhcpClient(Mac, 1, Leased, detectConflicts: false);
        Assert.Equal(DhcpState.InitReboot, client.State);
        var request = PollSends(ref client, 0);
        Assert.Equal(DhcpState.Rebooting, client.State);
        AssertGolden(DhcpGolden.RebootRequest, request);
        Assert.Equal(Ipv4Address.Any, request.Source);
        Assert.Equal(Ipv4Address.Broadcast, request.Destination);

        Assert.Equal(DhcpEvent.Bound, client.Receive(Ack(client.TransactionId), 20));
        Assert.Equal(DhcpState.Bound, client.State);
        Assert.Equal(Leased, client.Address);
        Assert.Equal(T1, client.RenewAt);
    }

    [Fact]
    public void Init_reboot_nak_goes_to_init_and_discovers_after_the_restart_delay()
    {
        var client = new DhcpClient(Mac, 1, Leased, detectConflicts: false);
        PollSends(ref client, 0);
        Assert.Equal(DhcpEvent.Nak, client.Receive(Nak(client.TransactionId), 20));
        Assert.Equal(DhcpState.Init, client.State);
        Assert.Null(Poll(ref client, 20 + DhcpClient.RestartDelayMilliseconds - 1));
        var discover = PollSends(ref client, 20 + DhcpClient.RestartDelayMilliseconds);
        Assert.Equal(DhcpMessageType.Discover, discover.Type);
        Assert.False(discover.Has(DhcpOptionCode.RequestedIpAddress));
    }

    [Fact]
    public void Init_reboot_without_an_answer_falls_back_to_discover_after_two_requests()
    {
        var client = new DhcpClient(Mac, 1, Leased, detectConflicts: false);
        PollSends(ref client, 0);
        var second = PollSends(ref client, client.NextDeadline);
        Assert.Equal(DhcpMessageType.Request, second.Type);
        Assert.Equal(Leased, second.Address(DhcpOptionCode.RequestedIpAddress));
        var third = PollSends(ref client, client.NextDeadline);
        Assert.Equal(DhcpMessageType.Discover, third.Type);
        Assert.Equal(DhcpState.Selecting, client.State);
    }

    /// <summary>DISCOVER, OFFER, REQUEST at 100 ms and ACK at 150 ms with conflict detection on.</summary>
    private static DhcpClient ProbingClient()
    {
        var client = new DhcpClient(Mac, 1, Ipv4Address.Any, detectConflicts: true);
        PollSends(ref client, 0);
        client.Receive(Offer(client.TransactionId), 50);
        PollSends(ref client, 100);
        Assert.Equal(DhcpEvent.Probing, client.Receive(Ack(client.TransactionId), 150));
        Assert.Equal(DhcpState.Probing, client.State);
        return client;
    }

    [Fact]
    public void An_acked_address_is_probed_three_times_then_bound_and_announced_twice()
    {
        var client = ProbingClient();
        Assert.False(client.TryTakeEvent(out _));
        Assert.Null(Poll(ref client, 150)); // no DHCP message while probing
        var probes = new List<long>();
        long now = 150;
        while (client.State == DhcpState.Probing)
        {
            now = client.NextDeadline;
            if (client.TakeArpDue(now, out var address) == DhcpArpKind.Probe)
            {
                Assert.Equal(Leased, address);
                probes.Add(now);
            }
            Assert.True(now < 20_000);
        }
        Assert.Equal(DhcpClient.ProbeCount, probes.Count);
        Assert.InRange(probes[0] - 150, 0, DhcpClient.ProbeWaitMilliseconds);
        for (int i = 1; i < probes.Count; i++)
            Assert.InRange(probes[i] - probes[i - 1], DhcpClient.ProbeMinimumMilliseconds, DhcpClient.ProbeMaximumMilliseconds);
        // Bound ANNOUNCE_WAIT after the last probe, and the first announcement at once.
        Assert.Equal(probes[^1] + DhcpClient.AnnounceWaitMilliseconds, now);
        Assert.Equal(DhcpState.Bound, client.State);
        Assert.True(client.TryTakeEvent(out var happened));
        Assert.Equal(DhcpEvent.Bound, happened);
        Assert.Equal(now + DhcpClient.AnnounceIntervalMilliseconds, client.NextDeadline);
        Assert.Equal(DhcpArpKind.Announcement, client.TakeArpDue(client.NextDeadline, out var announced));
        Assert.Equal(Leased, announced);
        Assert.Equal(client.RenewAt, client.NextDeadline); // two announcements sent: only T1 is left
        Assert.Equal(DhcpArpKind.None, client.TakeArpDue(client.RenewAt - 1, out _));
    }

    [Fact]
    public void A_conflict_while_probing_declines_the_address_and_discovers_ten_seconds_later()
    {
        var client = ProbingClient();
        Assert.Equal(DhcpArpKind.Probe, client.TakeArpDue(client.NextDeadline, out _));
        client.ReportConflict(2000);
        Assert.Equal(2000, client.NextDeadline);
        var decline = PollSends(ref client, 2000);
        AssertGolden(DhcpGolden.Decline, decline);
        Assert.Equal(Ipv4Address.Any, decline.Source);
        Assert.Equal(Ipv4Address.Broadcast, decline.Destination);
        Assert.True(client.TryTakeEvent(out var happened));
        Assert.Equal(DhcpEvent.Declined, happened);
        Assert.Equal(Leased, client.DeclinedAddress);
        Assert.Equal(DhcpState.Init, client.State);
        Assert.Equal(Ipv4Address.Any, client.Address);
        Assert.Equal(DhcpArpKind.None, client.TakeArpDue(5000, out _));
        Assert.Null(Poll(ref client, 2000 + DhcpClient.DeclineRestartDelayMilliseconds - 1));
        Assert.Equal(DhcpMessageType.Discover, PollSends(ref client, 2000 + DhcpClient.DeclineRestartDelayMilliseconds).Type);
    }

    [Fact]
    public void A_conflict_report_outside_probing_is_ignored()
    {
        var client = BoundClient();
        client.ReportConflict(1000);
        Assert.Equal(DhcpState.Bound, client.State);
        Assert.Null(Poll(ref client, 1000));
    }

    [Fact]
    public void Release_sends_a_release_to_the_server_and_the_client_then_stays_quiet()
    {
        var client = BoundClient();
        client.Release(5000);
        var release = PollSends(ref client, 5000);
        AssertGolden(DhcpGolden.Release, release);
        Assert.Equal(Leased, release.Source);
        Assert.Equal(ServerIp, release.Destination);
        Assert.True(client.TryTakeEvent(out var happened));
        Assert.Equal(DhcpEvent.Released, happened);
        Assert.Equal(Ipv4Address.Any, client.Address);
        Assert.Equal(long.MaxValue, client.NextDeadline);
        Assert.Null(Poll(ref client, T1 + Lease));
    }

    [Fact]
    public void Release_without_a_lease_does_nothing()
    {
        var client = new DhcpClient(Mac, 1);
        client.Release(0);
        Assert.Equal(DhcpMessageType.Discover, PollSends(ref client, 0).Type);
    }
}
