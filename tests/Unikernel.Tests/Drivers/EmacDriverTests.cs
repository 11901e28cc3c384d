using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Tool;

namespace Unikernel.Tests.Drivers;

[Collection("EmacBus")]
public sealed class EmacDriverTests : IDisposable
{
    private static readonly EthernetAddress Ours = new(0x02_81_12_34_56_78UL);
    private static readonly EthernetAddress AllNodes = new(MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes).Value);
    private static readonly EthernetAddress SolicitedNode = new(0x33_33_FF_34_56_78UL);
    private byte[]? _memory;

    public EmacDriverTests()
    {
        EmacBus.Reset();
        TestClock.Now = 0;
    }

    public void Dispose() => _memory = null;

    private EmacDriver<EmacBus, TestClock, TestDma> Make(int receive = 4, int transmit = 4)
    {
        var memory = TestDma.Allocate(receive, transmit, out _memory);
        return new EmacDriver<EmacBus, TestClock, TestDma>(new EmacSun8i<EmacBus>(EmacBus.Emac), memory, EmacBus.PhyAddress, gigabit: false);
    }

    private EmacDriver<EmacBus, TestClock, TestDma> Running(int receive = 4, int transmit = 4)
    {
        var driver = Make(receive, transmit);
        Assert.Equal(EmacStatus.Ok, driver.Start(Ours, [AllNodes, SolicitedNode]));
        Assert.Equal(EmacStatus.Ok, driver.WaitForLink(100));
        return driver;
    }

    /// <summary>Takes the next frame as the stack does, lent and given back, and keeps a copy; 0 when none.</summary>
    private static int Receive(EmacDriver<EmacBus, TestClock, TestDma> driver, byte[] copy)
    {
        if (!driver.TryReceive(out Span<byte> frame))
            return 0;
        frame.CopyTo(copy);
        driver.Release();
        return frame.Length;
    }

    private static byte[] Frame(int length, byte seed)
    {
        var frame = new byte[length];
        for (int i = 0; i < length; i++)
            frame[i] = (byte)(seed + i);
        return frame;
    }

    [Fact]
    public void Start_then_link_up_follows_the_approved_register_trace()
    {
        EmacBus.LinkUpAfterBmsrReads = 4;
        var driver = Make(2, 2);
        Assert.Equal(EmacStatus.Ok, driver.Start(Ours, [AllNodes, SolicitedNode]));
        Assert.False(driver.Running);
        Assert.Equal(EmacStatus.Ok, driver.WaitForLink(1000));
        Assert.True(driver.Running);
        Assert.Equal(new PhyLink(true, 100, true).SpeedMbps, driver.Link.SpeedMbps);
        Assert.True(driver.Link.FullDuplex);

        ApprovedTrace.Verify("EmacDriver.Start", EmacBus.Trace);
    }

    [Fact]
    public void Start_programs_the_address_and_the_two_groups_into_exact_filters()
    {
        Running();
        Assert.Equal(0x7856u, EmacBus.Register(0x50));     // ADDR0_HIGH: bytes 5, 4
        Assert.Equal(0x34128102u, EmacBus.Register(0x54)); // ADDR0_LOW: bytes 3..0
        Assert.Equal(0x8000_0100u, EmacBus.Register(0x58)); // ADDR1: 33:33:00:00:00:01, enabled
        Assert.Equal(0x0000_3333u, EmacBus.Register(0x5C));
        Assert.Equal(0x8000_7856u, EmacBus.Register(0x60)); // ADDR2: 33:33:ff:34:56:78
        Assert.Equal(0x34FF_3333u, EmacBus.Register(0x64));
        Assert.Equal(0u, EmacBus.Register(0x68));          // ADDR3 unused, disabled
        Assert.Equal(0u, EmacBus.Register(0x38));          // filter on, no all-multicast
    }

    [Fact]
    public void More_groups_than_slots_receive_every_multicast_frame()
    {
        var driver = Running();
        var groups = new EthernetAddress[8];
        for (int i = 0; i < groups.Length; i++)
            groups[i] = new EthernetAddress(0x33_33_00_00_00_01UL + (ulong)i);
        driver.SetFilter(Ours, groups);
        Assert.True(new EmacSun8i.RxFrmFlt(EmacBus.Register(0x38)).RxAllMulticast);
        Assert.Equal(0u, EmacBus.Register(0x58));
    }

    [Fact]
    public void Frames_go_out_and_come_in_through_both_rings_many_times_round()
    {
        var driver = Running(receive: 4, transmit: 3);
        var buffer = new byte[1536];
        for (int i = 0; i < 11; i++)
        {
            byte[] outgoing = Frame(100 + i * 50, (byte)i);
            Assert.True(driver.Send(outgoing));
            Assert.Equal(outgoing, EmacBus.Sent[^1]);

            byte[] incoming = Frame(1514 - i * 40, (byte)(i + 100));
            Assert.True(EmacBus.Inject(incoming));
            int length = Receive(driver, buffer);
            Assert.Equal(incoming.Length, length);
            Assert.Equal(incoming, buffer[..length]);
            Assert.Equal(0, Receive(driver, buffer));
        }
        Assert.Equal(11, EmacBus.Sent.Count);
        Assert.Equal(0, driver.TransmitPending());
        Assert.True(TestDma.Cleans > 0 && TestDma.Invalidates > 0, "cache maintenance hooks are called");
    }

    [Fact]
    public void A_short_frame_comes_back_with_the_padding_the_mac_reports_and_no_fcs()
    {
        var driver = Running();
        byte[] arp = Frame(42, 7);
        Assert.True(EmacBus.Inject(arp));
        var buffer = new byte[1536];
        int length = Receive(driver, buffer);
        Assert.Equal(64, length); // QEMU pads to 64 bytes before the FCS
        Assert.Equal(arp, buffer[..42]);
    }

    [Fact]
    public void A_full_transmit_ring_refuses_frames_until_the_dma_catches_up()
    {
        var driver = Running(transmit: 3);
        EmacBus.TransmitPaused = true;
        for (int i = 0; i < 3; i++)
            Assert.True(driver.Send(Frame(60, (byte)i)));
        Assert.False(driver.Send(Frame(60, 9)));
        Assert.Equal(1ul, driver.TransmitRingFull);
        Assert.Equal(3, driver.TransmitPending());
        Assert.Empty(EmacBus.Sent);

        EmacBus.RunTransmit();
        Assert.Equal(3, EmacBus.Sent.Count);
        Assert.True(driver.Send(Frame(60, 9)));
        Assert.Equal(4, EmacBus.Sent.Count);
        Assert.Equal(Frame(60, 9), EmacBus.Sent[^1]);
    }

    [Fact]
    public void A_full_receive_ring_holds_off_the_dma_until_frames_are_taken()
    {
        var driver = Running(receive: 3);
        for (int i = 0; i < 3; i++)
            Assert.True(EmacBus.Inject(Frame(80, (byte)i)));
        Assert.False(EmacBus.Inject(Frame(80, 9)));

        var buffer = new byte[1536];
        EmacBus.Log.Clear();
        Assert.Equal(80, Receive(driver, buffer));
        Assert.Equal(Frame(80, 0), buffer[..80]);
        // The refilled descriptor is announced: RX_CTL1 with RX_DMA_EN (QEMU resumes reading its TAP).
        Assert.Contains(EmacBus.Log, line => line.StartsWith("write RX_CTL1 <- 0xc") );
        Assert.True(EmacBus.Inject(Frame(80, 9)));
        Assert.Equal(80, Receive(driver, buffer));
        Assert.Equal(80, Receive(driver, buffer));
        Assert.Equal(80, Receive(driver, buffer));
        Assert.Equal(Frame(80, 9), buffer[..80]);
        Assert.Equal(0, Receive(driver, buffer));
    }

    /// <summary>
    /// QEMU's EMAC goes back to the head of the ring when it finds the ring full; the next frame
    /// then lands at the head while the driver looks further on. It must follow the DMA, not wait
    /// for ever (the stall seen on 32 MiB uploads over a TAP).
    /// </summary>
    [Fact]
    public void A_dma_that_goes_back_to_the_head_of_a_full_ring_is_followed()
    {
        var driver = Running(receive: 4);
        EmacBus.RewindWhenFull = true;
        var buffer = new byte[1536];
        for (int i = 0; i < 4; i++)
            Assert.True(EmacBus.Inject(Frame(80, (byte)i)));
        Assert.Equal(80, Receive(driver, buffer));
        Assert.True(EmacBus.Inject(Frame(80, 4)));
        for (int i = 1; i <= 4; i++)
        {
            Assert.Equal(80, Receive(driver, buffer));
            Assert.Equal(Frame(80, (byte)i), buffer[..80]);
        }
        Assert.True(EmacBus.Inject(Frame(80, 5)));
        Assert.Equal(80, Receive(driver, buffer));
        Assert.Equal(Frame(80, 5), buffer[..80]);
        Assert.Equal(1UL, driver.ReceiveResyncs);
        Assert.Equal(0, Receive(driver, buffer));
    }

    [Fact]
    public void Frames_with_errors_are_dropped_and_counted()
    {
        var driver = Running();
        Assert.True(EmacBus.Inject(Frame(100, 1), extraStatus: EmacSun8iDesc.RxStatus.Zero.WithCrcErr(true).Raw));
        Assert.True(EmacBus.Inject(Frame(200, 2)));
        Assert.True(EmacBus.Inject(Frame(300, 3), extraStatus: EmacSun8iDesc.RxStatus.Zero.WithLengthErr(true).Raw));
        var buffer = new byte[1536];
        Assert.Equal(200, Receive(driver, buffer));
        Assert.Equal(Frame(200, 2), buffer[..200]);
        Assert.Equal(0, Receive(driver, buffer));
        Assert.Equal(2ul, driver.ReceiveErrors);
    }

    /// <summary>
    /// The frame is lent where the DMA wrote it: its descriptor stays with the CPU, so the DMA
    /// cannot write over it, until Release gives it back and the DMA fills it again.
    /// </summary>
    [Fact]
    public void A_lent_frame_keeps_its_buffer_from_the_dma_until_released()
    {
        var driver = Running(receive: 2);
        Assert.True(EmacBus.Inject(Frame(80, 1)));
        Assert.True(driver.TryReceive(out Span<byte> lent));
        Assert.Equal(Frame(80, 1), lent[..80].ToArray());
        Assert.True(EmacBus.Inject(Frame(90, 2)));
        Assert.False(EmacBus.Inject(Frame(100, 3))); // the lent buffer is not the DMA's
        Assert.Equal(Frame(80, 1), lent[..80].ToArray());

        driver.Release();
        driver.Release(); // nothing lent: the next descriptor, filled, stays ours
        Assert.True(EmacBus.Inject(Frame(100, 3)));
        var buffer = new byte[1536];
        Assert.Equal(90, Receive(driver, buffer));
        Assert.Equal(100, Receive(driver, buffer));
        Assert.Equal(Frame(100, 3), buffer[..100]);
        Assert.Equal(0, Receive(driver, buffer));
        Assert.Equal(0ul, driver.ReceiveErrors);
    }

    [Fact]
    public void Nothing_moves_before_start()
    {
        var driver = Make();
        Assert.False(driver.Send(Frame(60, 1)));
        Assert.Equal(0, Receive(driver, new byte[1536]));
        Assert.Empty(EmacBus.Log);
    }

    [Fact]
    public void A_link_that_never_comes_up_is_reported_and_the_mac_stays_off()
    {
        EmacBus.LinkUpAfterBmsrReads = -1;
        var driver = Make();
        Assert.Equal(EmacStatus.Ok, driver.Start(Ours, [AllNodes]));
        Assert.Equal(EmacStatus.LinkDown, driver.WaitForLink(50));
        Assert.False(driver.Running);
        Assert.False(driver.Link.Up);
        Assert.False(new EmacSun8i.RxCtl0(EmacBus.Register(0x24)).RxEn);
        Assert.False(new EmacSun8i.TxCtl0(EmacBus.Register(0x10)).TxEn);
    }

    [Fact]
    public void A_link_that_goes_down_turns_the_mac_off()
    {
        var driver = Running();
        EmacBus.LinkUpAfterBmsrReads = -1;
        Assert.Equal(EmacStatus.Ok, driver.PollLink());
        Assert.False(driver.Running);
        Assert.False(new EmacSun8i.RxCtl0(EmacBus.Register(0x24)).RxEn);
    }

    [Fact]
    public void An_mdio_bus_that_stays_busy_is_a_timeout_not_a_hang()
    {
        EmacBus.MdioStuck = true;
        var driver = Make();
        Assert.Equal(EmacStatus.MdioTimeout, driver.Start(Ours, []));
        var emac = new EmacSun8i<EmacBus>(EmacBus.Emac);
        Assert.Equal(EmacStatus.MdioTimeout, MdioBus<EmacBus, TestClock>.Read(emac, 1, 1, out _));
        Assert.Equal(EmacStatus.MdioTimeout, driver.PollLink());
        Assert.InRange(TestClock.Now, 1, 1000);
    }

    [Fact]
    public void A_soft_reset_that_never_ends_is_reported()
    {
        EmacBus.ResetStuck = true;
        EmacBus.Registers[EmacBus.Emac + 0x04] = 1;
        Assert.Equal(EmacStatus.ResetTimeout, Make().Start(Ours, []));
    }

    [Fact]
    public void A_phy_stuck_in_reset_is_reported()
    {
        EmacBus.PhyResetStuck = true;
        Assert.Equal(EmacStatus.PhyResetTimeout, Make().Start(Ours, []));
    }

    [Fact]
    public void A_phy_at_another_address_never_answers_the_reset()
    {
        var memory = TestDma.Allocate(2, 2, out _memory);
        var driver = new EmacDriver<EmacBus, TestClock, TestDma>(new EmacSun8i<EmacBus>(EmacBus.Emac), memory, 5, gigabit: false);
        EmacBus.Registers[EmacBus.Emac + 0x4C] = 0x8000; // stale data: reads as "still in reset"
        Assert.Equal(EmacStatus.PhyResetTimeout, driver.Start(Ours, []));
    }

    [Fact]
    public void Misaligned_or_short_ring_memory_is_refused()
    {
        var good = TestDma.Allocate(4, 4, out _memory);
        var misaligned = new EmacRingMemory(good.Address + 8, good.Length, 4, 4);
        var shortBlock = new EmacRingMemory(good.Address, good.Length - 1, 4, 4);
        var emac = new EmacSun8i<EmacBus>(EmacBus.Emac);
        Assert.Equal(EmacStatus.BadRingMemory, new EmacDriver<EmacBus, TestClock, TestDma>(emac, misaligned, 1, false).Start(Ours, []));
        Assert.Equal(EmacStatus.BadRingMemory, new EmacDriver<EmacBus, TestClock, TestDma>(emac, shortBlock, 1, false).Start(Ours, []));
    }

    [Fact]
    public void Adapted_as_the_boards_do_the_driver_is_the_stacks_network_device()
    {
        INetworkDevice device = new AdaptedEmac(Running());
        Assert.True(device.Send(Frame(70, 3)));
        Assert.Equal(Frame(70, 3), EmacBus.Sent[^1]);
        Assert.True(EmacBus.Inject(Frame(90, 4)));
        Assert.True(device.TryReceive(out Span<byte> frame));
        Assert.Equal(Frame(90, 4), frame.ToArray());
        device.Release();
        Assert.False(device.TryReceive(out _));
    }

    [Fact]
    public void Start_enables_the_receive_and_transmit_interrupts_only()
    {
        Running();
        var enabled = new EmacSun8i.IntEn(EmacBus.Register(0x0C));
        Assert.True(enabled.RxIntEn);
        Assert.True(enabled.TxIntEn);
        Assert.Equal(enabled.Raw, EmacDriver<EmacBus, TestClock, TestDma>.Interrupts.Raw);
        Assert.Equal(0x101u, enabled.Raw);
        Assert.False(EmacBus.InterruptLine);
    }

    [Fact]
    public void A_received_frame_raises_the_interrupt_until_acknowledged_and_a_later_one_raises_it_again()
    {
        var driver = Running();
        Assert.True(EmacBus.Inject(Frame(70, 1)));
        Assert.True(EmacBus.InterruptLine);
        var acknowledged = EmacDriver<EmacBus, TestClock, TestDma>.AcknowledgeInterrupts(new EmacSun8i<EmacBus>(EmacBus.Emac));
        Assert.True(acknowledged.Rx);
        Assert.False(EmacBus.InterruptLine);
        // Acknowledging does not take the frame: the ring still has it.
        Assert.Equal(70, Receive(driver, new byte[2048]));
        Assert.True(EmacBus.Inject(Frame(60, 2)));
        Assert.True(EmacBus.InterruptLine);
    }

    [Fact]
    public void A_sent_frame_raises_the_interrupt_and_nothing_pending_writes_nothing()
    {
        var driver = Running();
        var emac = new EmacSun8i<EmacBus>(EmacBus.Emac);
        Assert.True(driver.Send(Frame(60, 3)));
        Assert.True(EmacBus.InterruptLine);
        Assert.True(EmacDriver<EmacBus, TestClock, TestDma>.AcknowledgeInterrupts(emac).Tx);
        Assert.False(EmacBus.InterruptLine);
        int writes = EmacBus.Log.Count(line => line.StartsWith("write INT_STA", StringComparison.Ordinal));
        Assert.Equal(0u, EmacDriver<EmacBus, TestClock, TestDma>.AcknowledgeInterrupts(emac).Raw);
        Assert.Equal(writes, EmacBus.Log.Count(line => line.StartsWith("write INT_STA", StringComparison.Ordinal)));
    }

    [Fact]
    public void Stop_disables_the_interrupts_before_a_kernel_takes_over()
    {
        var driver = Running();
        driver.Stop();
        Assert.Equal(0u, EmacBus.Register(0x0C));
        Assert.False(EmacBus.Inject(Frame(60, 4)) && EmacBus.InterruptLine);
    }


    /// <summary>The shape of src/Boards/*/BoardNetwork.cs: a struct owning the driver, forwarding frames as spans (received ones lent in place).</summary>
    private readonly struct AdaptedEmac(EmacDriver<EmacBus, TestClock, TestDma> emac) : INetworkDevice
    {
        public bool TryReceive(out Span<byte> frame) => emac.TryReceive(out frame);

        public void Release() => emac.Release();

        public bool Send(ReadOnlySpan<byte> frame) => emac.Send(frame);
    }
}
