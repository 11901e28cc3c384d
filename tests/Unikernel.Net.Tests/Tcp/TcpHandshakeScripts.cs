namespace Unikernel.Net.Tests.Tcp;

/// <summary>Opening and closing connections, in both families (RFC 9293 sections 3.5 and 3.6).</summary>
public class TcpHandshakeScripts
{
    public const string PassiveOpen = """
        0     < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
        0     > S. 0:0(0) ack 1 <mss *,sackOK,TS val * ecr 100,nop,wscale *>
        +.01  < . 1:1(0) ack 1 win 502 <nop,nop,TS val 110 ecr 0>
        +0    app accept
        +0    app state Established
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Passive_open_offers_what_the_peer_offered_and_is_accepted(bool ipv6) =>
        new TcpScript(ipv6).Run(PassiveOpen).Finish(1);

    [Fact]
    public void Syn_without_options_gets_a_syn_ack_without_scaling_sack_or_timestamps()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 8192
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 8192
            +0    app accept
            """).Finish(1);
    }

    [Fact]
    public void Lost_syn_ack_is_sent_again_after_the_initial_rto_then_backed_off()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 <mss 1460>
            0     > S. 0:0(0) ack 1 <mss 1440>
            1.0   > S. 0:0(0) ack 1 <mss 1440>
            3.0   > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            """).Finish(8);
    }

    [Fact]
    public void Retransmitted_syn_gets_the_same_syn_ack()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 <mss 1460>
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.3   < S 0:0(0) win 65535 <mss 1460>
            +0    > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            """).Finish(2);
    }

    [Fact]
    public void Syn_to_a_closed_port_is_reset()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 port 9
            0     > R. 0:0(0) ack 1
            """).Finish(1);
    }

    [Fact]
    public void Ack_to_a_closed_port_is_reset_with_its_ack_as_sequence()
    {
        // No ISS of ours exists: sequence numbers we send are absolute here.
        new TcpScript().Run("""
            0     < . 1:1(0) ack 500 win 65535 port 9
            0     > R 500:500(0)
            """).Finish(1);
    }

    [Fact]
    public void Reset_to_nothing_is_not_answered()
    {
        new TcpScript().Run("""
            0     < R. 1:1(0) ack 1 win 0 port 9
            """).Finish(1);
    }

    [Fact]
    public void Graceful_close_by_the_peer_then_by_us()
    {
        new TcpScript().Run(PassiveOpen + """

            +.1   < F. 1:1(0) ack 1 win 502
            +0    > . 1:1(0) ack 2
            +0    app state CloseWait
            +0    app eof
            +.1   app close
            +0    > F. 1:1(0) ack 2
            +0    app state LastAck
            +.01  < . 2:2(0) ack 2 win 502
            +0    app state Closed
            """).Finish(2);
    }

    [Fact]
    public void Graceful_close_by_us_waits_in_time_wait()
    {
        new TcpScript().Run(PassiveOpen + """

            +.1   app close
            +0    > F. 1:1(0) ack 1
            +0    app state FinWait1
            +.01  < . 1:1(0) ack 2 win 502
            +0    app state FinWait2
            +.01  < F. 1:1(0) ack 2 win 502
            +0    > . 2:2(0) ack 2
            +0    app state TimeWait
            """).Finish(5);
    }

    [Fact]
    public void Simultaneous_close_goes_through_closing()
    {
        new TcpScript().Run(PassiveOpen + """

            +.1   app close
            +0    > F. 1:1(0) ack 1
            +0    < F. 1:1(0) ack 1 win 502
            +0    > . 2:2(0) ack 2
            +0    app state Closing
            +.01  < . 2:2(0) ack 2 win 502
            +0    app state TimeWait
            """).Finish(1);
    }

    [Fact]
    public void Abort_sends_a_reset()
    {
        new TcpScript().Run(PassiveOpen + """

            +.1   app abort
            +0    > R. 1:1(0) ack 1
            """).Finish(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Active_open_sends_a_syn_with_every_option_and_completes(bool ipv6)
    {
        new TcpScript(ipv6).Run("""
            0     app connect
            0     > S 0:0(0) <mss *,sackOK,TS val * ecr 0,nop,wscale *>
            +.01  < S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 500 ecr 0,nop,wscale 7>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 500>
            +0    app state Established
            """).Finish(1);
    }

    [Fact]
    public void Simultaneous_open_answers_a_syn_with_a_syn_ack()
    {
        new TcpScript().Run("""
            0     app connect
            0     > S 0:0(0) <mss *,sackOK,TS val * ecr 0,nop,wscale *>
            +.01  < S 0:0(0) win 65535 <mss 1460>
            +0    > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app state Established
            """).Finish(1);
    }

    [Fact]
    public void Syn_ack_with_a_wrong_ack_gets_a_reset_and_the_syn_stays()
    {
        new TcpScript().Run("""
            0     app connect
            0     > S 0:0(0) <mss *,sackOK,TS val * ecr 0,nop,wscale *>
            +.01  < S. 0:0(0) ack 77 win 65535 <mss 1460>
            +0    > R 77:77(0)
            +0    app state SynSent
            """).Finish(0.5);
    }

    [Fact]
    public void Unanswered_syn_is_retransmitted_with_backoff()
    {
        new TcpScript().Run("""
            0     app connect
            0     > S 0:0(0) <mss *,sackOK,TS val * ecr 0,nop,wscale *>
            1.0   > S 0:0(0) <mss *,sackOK,TS val * ecr 0,nop,wscale *>
            3.0   > S 0:0(0) <mss *,sackOK,TS val * ecr 0,nop,wscale *>
            """).Finish(6);
    }
}
