namespace Unikernel.Net.Tests.Tcp;

/// <summary>Receiving and sending data: acknowledgments, SACK, windows, resets, PAWS, retransmission.</summary>
public class TcpDataScripts
{
    private const string Open = TcpHandshakeScripts.PassiveOpen + "\n";

    [Fact]
    public void Every_second_segment_is_acknowledged_at_once_a_single_one_after_the_delay()
    {
        new TcpScript().Run(Open + """
            +.1   < P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    < P. 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            // A delayed ACK echoes the earliest timestamp it covers (RFC 7323 section 4.3).
            +0    > . 1:1(0) ack 2001 win 31768 <nop,nop,TS val * ecr 120>
            +.1   < P. 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 130 ecr 0>
            +.04  > . 1:1(0) ack 3001 win 31268 <nop,nop,TS val * ecr 130>
            +0    app read 3000
            """).Finish(2);
    }

    [Fact]
    public void Out_of_order_data_is_held_and_reported_in_sack_blocks_until_the_hole_fills()
    {
        new TcpScript().Run(Open + """
            +.1   < . 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110,nop,nop,sack 1001:2001>
            +0    < . 3001:4001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110,nop,nop,sack 3001:4001 1001:2001>
            +0    < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 122 ecr 0>
            +0    > . 1:1(0) ack 2001 <nop,nop,TS val * ecr 122,nop,nop,sack 3001:4001>
            +0    < . 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 123 ecr 0>
            +0    > . 1:1(0) ack 4001 <nop,nop,TS val * ecr 123>
            +0    app read 4000
            """).Finish(2);
    }

    [Fact]
    public void Duplicate_data_is_acknowledged_and_not_delivered_twice()
    {
        new TcpScript().Run(Open + """
            +.1   < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +.04  > . 1:1(0) ack 1001 <nop,nop,TS val * ecr 120>
            // The duplicate is reported in a D-SACK block (RFC 2883), so the peer learns its retransmission was needless.
            +.1   < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    > . 1:1(0) ack 1001 <nop,nop,TS val * ecr 120,nop,nop,sack 1:1001>
            +.1   < . 501:1501(1000) ack 1 win 502 <nop,nop,TS val 122 ecr 0>
            +.04  > . 1:1(0) ack 1501 <nop,nop,TS val * ecr 122,nop,nop,sack 501:1001>
            +0    app read 1500
            """).Finish(2);
    }

    [Fact]
    public void Full_receive_buffer_closes_the_window_and_reading_opens_it_again()
    {
        new TcpScript(receiveBuffer: 2000).Run("""
            0     < S 0:0(0) win 65535 <mss 1000>
            0     > S. 0:0(0) ack 1 win 2000 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +.1   < . 1:1001(1000) ack 1 win 65535
            +0    < . 1001:2001(1000) ack 1 win 65535
            +0    > . 1:1(0) ack 2001 win 0
            +.1   < . 2001:2002(1) ack 1 win 65535
            +0    > . 1:1(0) ack 2001 win 0
            +0    app accept
            +0    app read 2000
            +0    > . 1:1(0) ack 2001 win 2000
            """).Finish(2);
    }

    [Theory]
    [InlineData(4294967000u)]
    [InlineData(4294967295u)]
    public void Sequence_numbers_wrap_around_cleanly(uint peerIsn)
    {
        new TcpScript().Run($"""
            peer isn {peerIsn}
            """ + "\n" + Open + """
            +.1   < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    < . 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    > . 1:1(0) ack 2001 <nop,nop,TS val * ecr 120>
            +0    app read 2000
            """).Finish(2);
    }

    [Fact]
    public void Reset_with_the_exact_sequence_number_ends_the_connection()
    {
        new TcpScript().Run(Open + """
            +.1   < R 1:1(0) win 0
            +0    app reset
            +0    app state Closed
            """).Finish(1);
    }

    [Fact]
    public void Reset_inside_the_window_but_not_exact_gets_a_challenge_ack()
    {
        new TcpScript().Run(Open + """
            +.1   < R 500:500(0) win 0
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110>
            +0    app state Established
            """).Finish(1);
    }

    [Fact]
    public void Reset_outside_the_window_is_ignored()
    {
        new TcpScript().Run(Open + """
            +.1   < R 900000:900000(0) win 0
            +0    app state Established
            """).Finish(1);
    }

    [Fact]
    public void Syn_on_an_established_connection_gets_a_challenge_ack()
    {
        new TcpScript().Run(Open + """
            +.1   < S 77:77(0) win 65535 <mss 1460>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110>
            +0    app state Established
            """).Finish(1);
    }

    [Fact]
    public void Old_timestamp_is_rejected_by_paws_with_an_ack()
    {
        new TcpScript().Run(Open + """
            +.1   < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 50 ecr 0>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110>
            +0    app read 0
            """).Finish(1);
    }

    [Fact]
    public void Ack_for_data_never_sent_is_answered_and_ignored()
    {
        new TcpScript().Run(Open + """
            +.1   < . 1:1(0) ack 5000 win 502 <nop,nop,TS val 120 ecr 0>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110>
            +0    app state Established
            """).Finish(1);
    }

    [Fact]
    public void Segment_with_a_bad_checksum_is_dropped()
    {
        new TcpScript().Run(Open + """
            +.1   < . 1:1001(1000) ack 1 win 502 badsum <nop,nop,TS val 120 ecr 0>
            +0    app read 0
            """).Finish(1);
    }

    [Fact]
    public void Data_we_send_is_retransmitted_on_timeout_with_backoff()
    {
        new TcpScript().Run(Open + """
            +.1   app write 1000
            +0    > P. 1:1001(1000) ack 1 <nop,nop,TS val * ecr 110>
            +1.0  > P. 1:1001(1000) ack 1 <nop,nop,TS val * ecr 110>
            +2.0  > P. 1:1001(1000) ack 1 <nop,nop,TS val * ecr 110>
            +.01  < . 1:1(0) ack 1001 win 502 <nop,nop,TS val 200 ecr 0>
            """).Finish(8);
    }

    [Fact]
    public void Rto_follows_the_measured_round_trip()
    {
        new TcpScript().Run(Open + """
            +.1   app write 1000
            +0    > P. 1:1001(1000) ack 1 <nop,nop,TS val * ecr 110>
            +.05  < . 1:1(0) ack 1001 win 502 <nop,nop,TS val 200 ecr 0>
            +.1   app write 1000
            +0    > P. 1001:2001(1000) ack 1 <nop,nop,TS val * ecr 200>
            // srtt 50 ms, rttvar 25 ms: RTO = 150 ms, raised to the 200 ms floor
            +.2   > P. 1001:2001(1000) ack 1 <nop,nop,TS val * ecr 200>
            +.01  < . 1:1(0) ack 2001 win 502 <nop,nop,TS val 300 ecr 0>
            """).Finish(3);
    }

    [Fact]
    public void Three_duplicate_acks_trigger_a_fast_retransmit()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 <mss 1000>
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            +.1   app write 4000
            +0    > . 1:1001(1000) ack 1
            +0    > . 1001:2001(1000) ack 1
            +0    > . 2001:3001(1000) ack 1
            +0    > P. 3001:4001(1000) ack 1
            +.05  < . 1:1(0) ack 1001 win 65535
            // three duplicates of it: the segment after 1001 is taken as lost
            +0    < . 1:1(0) ack 1001 win 65535
            +0    < . 1:1(0) ack 1001 win 65535
            +0    < . 1:1(0) ack 1001 win 65535
            +0    > . 1001:2001(1000) ack 1
            +.05  < . 1:1(0) ack 4001 win 65535
            """).Finish(3);
    }

    [Fact]
    public void Zero_window_from_the_peer_is_probed_until_it_opens()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 <mss 1000>
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 0
            +0    app accept
            +.1   app write 500
            // Probes repeat SND.UNA - 1 with no data, backed off from the RTO.
            +1.0  > . 0:0(0) ack 1
            +.01  < . 1:1(0) ack 1 win 0
            3.11  > . 0:0(0) ack 1
            +.01  < . 1:1(0) ack 1 win 65535
            +0    > P. 1:501(500) ack 1
            +.01  < . 1:1(0) ack 501 win 65535
            """).Finish(8);
    }

    [Fact]
    public void Retransmitted_fin_in_time_wait_is_acknowledged_again()
    {
        new TcpScript().Run(Open + """
            +.1   app close
            +0    > F. 1:1(0) ack 1 <nop,nop,TS val * ecr 110>
            +.01  < F. 1:1(0) ack 2 win 502 <nop,nop,TS val 120 ecr 0>
            +0    > . 2:2(0) ack 2 <nop,nop,TS val * ecr 120>
            +.5   < F. 1:1(0) ack 2 win 502 <nop,nop,TS val 130 ecr 0>
            +0    > . 2:2(0) ack 2 <nop,nop,TS val * ecr 120>
            +0    app state TimeWait
            """).Finish(2);
    }

    /// <summary>Found by the property test: emptying the receive buffer must not move data held beyond a hole.</summary>
    [Fact]
    public void Reading_everything_in_order_keeps_out_of_order_data_in_place()
    {
        new TcpScript().Run(Open + """
            +.1   < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    < . 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    > . 1:1(0) ack 1001 <nop,nop,TS val * ecr 120,nop,nop,sack 2001:3001>
            +0    app read 1000
            +0    < . 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 122 ecr 0>
            +0    > . 1:1(0) ack 3001 <nop,nop,TS val * ecr 122>
            +0    app read 2000
            """).Finish(2);
    }

    /// <summary>Found by the property test: a fast retransmit resends only what was sent, never new data past SND.NXT.</summary>
    [Fact]
    public void Fast_retransmit_with_unsent_data_queued_resends_only_sent_bytes()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 2000 <mss 1000>
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 2000
            +0    app accept
            +.1   app write 5000
            +0    > . 1:1001(1000) ack 1
            +0    > . 1001:2001(1000) ack 1
            +.05  < . 1:1(0) ack 1001 win 2000
            +0    > . 2001:3001(1000) ack 1
            +0    < . 1:1(0) ack 1001 win 2000
            +0    < . 1:1(0) ack 1001 win 2000
            +0    < . 1:1(0) ack 1001 win 2000
            +0    > . 1001:2001(1000) ack 1
            +.05  < . 1:1(0) ack 3001 win 2000
            +0    > . 3001:4001(1000) ack 1
            +0    > P. 4001:5001(1000) ack 1
            +.05  < . 1:1(0) ack 5001 win 2000
            """).Finish(3);
    }

    /// <summary>With SACK, recovery resends each hole the peer's blocks reveal, not only the first (RFC 6675, simplified).</summary>
    [Fact]
    public void Sack_blocks_from_the_peer_lead_recovery_to_every_hole()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 <mss 1000,sackOK>
            0     > S. 0:0(0) ack 1 <mss 1440,sackOK>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            +.1   app write 5000
            +0    > . 1:1001(1000) ack 1
            +0    > . 1001:2001(1000) ack 1
            +0    > . 2001:3001(1000) ack 1
            +0    > . 3001:4001(1000) ack 1
            +0    > P. 4001:5001(1000) ack 1
            // 1:1001 and 2001:3001 are lost; the peer SACKs what it has.
            +.05  < . 1:1(0) ack 1 win 65535 <sack 1001:2001>
            +0    < . 1:1(0) ack 1 win 65535 <sack 1001:2001 3001:4001>
            +0    < . 1:1(0) ack 1 win 65535 <sack 1001:2001 3001:5001>
            +0    > . 1:1001(1000) ack 1
            +.01  < . 1:1(0) ack 2001 win 65535 <sack 3001:5001>
            +0    > . 2001:3001(1000) ack 1
            +.01  < . 1:1(0) ack 5001 win 65535
            """).Finish(3);
    }

    [Fact]
    public void Events_report_connection_data_room_and_the_end()
    {
        new TcpScript().Run("""
            0     < S 0:0(0) win 65535 <mss 1000>
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app events Connected
            +0    app accept
            +.01  < P. 1:101(100) ack 1 win 65535
            +0    app events Readable
            +0    app write 100
            +0    > P. 1:101(100) ack 101
            +.01  < . 101:101(0) ack 101 win 65535
            +0    app events Writable
            +0    < F. 101:101(0) ack 101 win 65535
            +0    > . 101:101(0) ack 102
            +0    app events PeerClosed
            +0    app close
            +0    > F. 101:101(0) ack 102
            +.01  < . 102:102(0) ack 102 win 65535
            +0    app events Closed
            """).Finish(1);
    }

    [Fact]
    public void Keep_alive_probes_an_idle_connection_and_gives_up_after_nine()
    {
        var script = new TcpScript(keepAliveSeconds: 10);
        script.Run(TcpHandshakeScripts.PassiveOpen + """

            10.01 > . 0:0(0) ack 1 <nop,nop,TS val * ecr 110>
            +75   > . 0:0(0) ack 1 <nop,nop,TS val * ecr 110>
            +.01  < . 1:1(0) ack 1 win 502 <nop,nop,TS val 200 ecr 0>
            // answered: the idle time starts again from the answer
            +10   > . 0:0(0) ack 1 <nop,nop,TS val * ecr 200>
            """);
        for (int probe = 1; probe < 9; probe++)
            script.Run($"+75 > . 0:0(0) ack 1 <nop,nop,TS val * ecr 200>");
        script.Run("""
            +75   app state Closed
            +0    app reset
            """);
    }

    [Fact]
    public void Keep_alive_is_off_by_default()
    {
        new TcpScript().Run(TcpHandshakeScripts.PassiveOpen).Finish(3 * 60 * 60);
    }

    [Fact]
    public void In_order_data_goes_to_the_sink_and_the_window_stays_wide_open()
    {
        // 64 KiB buffer, our window scale 1: 32768 is all of it free.
        new TcpScript().Run(Open + """
            +0    app sink all
            +.1   < P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    app sunk 1000
            +0    < P. 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    > . 1:1(0) ack 2001 win 32768 <nop,nop,TS val * ecr 120>
            // The delayed ACK keeps its timer for a single segment.
            +.1   < P. 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 130 ecr 0>
            +.04  > . 1:1(0) ack 3001 win 32768 <nop,nop,TS val * ecr 130>
            +0    app sunk 3000
            +0    app read 0
            """).Finish(2);
    }

    [Fact]
    public void Out_of_order_data_is_held_and_given_to_the_sink_in_order_when_the_hole_fills()
    {
        new TcpScript().Run(Open + """
            +0    app sink all
            +.1   < . 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    > . 1:1(0) ack 1 win 32768 <nop,nop,TS val * ecr 110,nop,nop,sack 1001:2001>
            +0    < . 3001:4001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    > . 1:1(0) ack 1 win 32768 <nop,nop,TS val * ecr 110,nop,nop,sack 3001:4001 1001:2001>
            +0    app sunk 0
            +0    < . 1:1001(1000) ack 1 win 502 <nop,nop,TS val 122 ecr 0>
            +0    > . 1:1(0) ack 2001 win 32768 <nop,nop,TS val * ecr 122,nop,nop,sack 3001:4001>
            +0    app sunk 2000
            +0    < . 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 123 ecr 0>
            +0    > . 1:1(0) ack 4001 win 32768 <nop,nop,TS val * ecr 123>
            +0    app sunk 4000
            +0    < . 4001:5001(1000) ack 1 win 502 <nop,nop,TS val 124 ecr 0>
            +.04  > . 1:1(0) ack 5001 win 32768 <nop,nop,TS val * ecr 124>
            +0    app sunk 5000
            +0    app read 0
            """).Finish(2);
    }

    [Fact]
    public void What_the_sink_leaves_is_held_in_the_buffer_and_counted_in_the_window()
    {
        new TcpScript().Run(Open + """
            +0    app sink 1500
            +.1   < P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    < P. 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            // The sink took 1500; 500 wait in the buffer: (65536 - 500) >> 1.
            +0    > . 1:1(0) ack 2001 win 32518 <nop,nop,TS val * ecr 120>
            +0    app sunk 1500
            // Data waits in the buffer: the next segment goes there behind it.
            +.1   < P. 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 130 ecr 0>
            +.04  > . 1:1(0) ack 3001 win 32018 <nop,nop,TS val * ecr 130>
            +0    app sunk 1500
            +0    app read 1500
            // Nothing held: the sink is offered the next segment again.
            +0    app sink 100000
            +.1   < P. 3001:4001(1000) ack 1 win 502 <nop,nop,TS val 140 ecr 0>
            +.04  > . 1:1(0) ack 4001 win 32768 <nop,nop,TS val * ecr 140>
            +0    app sunk 2500
            +0    app read 0
            """).Finish(2);
    }

    [Fact]
    public void A_sink_set_on_a_full_buffer_takes_what_it_holds_and_the_window_reopens_at_once()
    {
        new TcpScript(receiveBuffer: 2000).Run("""
            0     < S 0:0(0) win 65535 <mss 1000>
            0     > S. 0:0(0) ack 1 win 2000 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +.1   < . 1:1001(1000) ack 1 win 65535
            +0    < . 1001:2001(1000) ack 1 win 65535
            +0    > . 1:1(0) ack 2001 win 0
            +0    app accept
            +0    app sink all
            +0    > . 1:1(0) ack 2001 win 2000
            +0    app sunk 2000
            // From now on the buffer stays empty: a window of all of it, segment after segment.
            +.1   < . 2001:3001(1000) ack 1 win 65535
            +0    < . 3001:4001(1000) ack 1 win 65535
            +0    > . 1:1(0) ack 4001 win 2000
            +0    < . 4001:5001(1000) ack 1 win 65535
            +0    < . 5001:6001(1000) ack 1 win 65535
            +0    > . 1:1(0) ack 6001 win 2000
            +0    app sunk 6000
            +0    app sink off
            +.1   < . 6001:7001(1000) ack 1 win 65535
            +.04  > . 1:1(0) ack 7001 win 1000
            +0    app read 1000
            """).Finish(2);
    }

    [Fact]
    public void A_receive_batch_is_acknowledged_once_after_its_last_segment_while_the_window_is_wide_open()
    {
        new TcpScript().Run(Open + """
            +0    app sink all
            +.1   app batch
            +0    < P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            +0    < P. 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 121 ecr 0>
            +0    < P. 2001:3001(1000) ack 1 win 502 <nop,nop,TS val 122 ecr 0>
            +0    < P. 3001:4001(1000) ack 1 win 502 <nop,nop,TS val 123 ecr 0>
            // One stretch ACK, echoing the earliest timestamp it covers (RFC 7323 section 4.3).
            +0    > . 1:1(0) ack 4001 win 32768 <nop,nop,TS val * ecr 120>
            // A single segment still waits for the delayed-ACK timer.
            +.1   < P. 4001:5001(1000) ack 1 win 502 <nop,nop,TS val 130 ecr 0>
            +.04  > . 1:1(0) ack 5001 win 32768 <nop,nop,TS val * ecr 130>
            +0    app sunk 5000
            """).Finish(2);
    }

    [Fact]
    public void A_long_receive_batch_is_acknowledged_every_sixteen_segments_and_at_its_end()
    {
        var script = new System.Text.StringBuilder(Open + "+0 app sink all\n+.1 app batch\n");
        for (int i = 0; i < 20; i++)
            script.Append(System.Globalization.CultureInfo.InvariantCulture, $"+0 < P. {1 + 1000 * i}:{1001 + 1000 * i}(1000) ack 1 win 502 <nop,nop,TS val {120 + i} ecr 0>\n");
        script.Append("""
            +0    > . 1:1(0) ack 16001 win 32768 <nop,nop,TS val * ecr 120>
            +0    > . 1:1(0) ack 20001 win 32768 <nop,nop,TS val * ecr 136>
            +0    app sunk 20000
            """);
        new TcpScript().Run(script.ToString()).Finish(2);
    }

    [Fact]
    public void With_the_window_less_than_half_open_every_second_segment_of_a_batch_is_acknowledged_at_once()
    {
        // 4000 bytes of buffer and nothing read: after the third segment less than half is free.
        new TcpScript(receiveBuffer: 4000).Run("""
            0     < S 0:0(0) win 65535 <mss 1000>
            0     > S. 0:0(0) ack 1 win 4000 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            +.1   app batch
            +0    < . 1:1001(1000) ack 1 win 65535
            +0    < . 1001:2001(1000) ack 1 win 65535
            +0    < . 2001:3001(1000) ack 1 win 65535
            +0    > . 1:1(0) ack 3001 win 1000
            +0    app read 3000
            +0    > . 1:1(0) ack 3001 win 4000
            """).Finish(2);
    }
}
