using Unikernel.Drivers.Ethernet;
using Unikernel.Drivers.Virtio;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>The virtio-net driver against <see cref="VirtioNetBus"/>; in the EMAC's collection because both use <see cref="TestDma"/>'s static state.</summary>
[Collection("EmacBus")]
public sealed class VirtioNetDriverTests : IDisposable
{
    private static readonly EthernetAddress Fallback = new(0x02_00_00_00_00_01UL);
    private byte[]? _memory;

    public VirtioNetDriverTests()
    {
        VirtioNetBus.Reset();
        TestClock.Now = 0;
    }

    public void Dispose() => _memory = null;

    private VirtioNetDriver<VirtioNetBus, TestClock, TestDma> Make(int receive = 4, int transmit = 4)
    {
        var memory = VirtioNetBus.Allocate(receive, transmit, out _memory);
        return new VirtioNetDriver<VirtioNetBus, TestClock, TestDma>(new VirtioMmio<VirtioNetBus>(VirtioNetBus.Device), memory);
    }

    private VirtioNetDriver<VirtioNetBus, TestClock, TestDma> Running(int receive = 4, int transmit = 4)
    {
        var driver = Make(receive, transmit);
        Assert.Equal(VirtioNetStatus.Ok, driver.Start(Fallback));
        return driver;
    }

    private static int Receive(VirtioNetDriver<VirtioNetBus, TestClock, TestDma> driver, byte[] copy)
    {
        if (!driver.TryReceive(out Span<byte> frame))
            return 0;
        frame.CopyTo(copy);
        driver.Release();
        return frame.Length;
    }

    private static VirtioMmio.InterruptStatus Acknowledge() =>
        VirtioNetDriver<VirtioNetBus, TestClock, TestDma>.AcknowledgeInterrupt(new VirtioMmio<VirtioNetBus>(VirtioNetBus.Device));

    private static byte[] Frame(int length, byte seed)
    {
        var frame = new byte[length];
        for (int i = 0; i < length; i++)
            frame[i] = (byte)(seed + i);
        return frame;
    }

    [Fact]
    public void Start_follows_the_approved_register_trace()
    {
        Running(2, 2);
        ApprovedTrace.Verify("VirtioNetDriver.Start", VirtioNetBus.Trace);
    }

    [Fact]
    public void Start_accepts_only_the_mac_feature_and_reads_the_address_from_the_device()
    {
        var driver = Running();
        Assert.Equal(VirtioNetFeatures.Word0.Zero.WithMac(true).Raw, VirtioNetBus.DriverFeatures);
        Assert.Equal(0x52_54_00_12_34_56UL, driver.Address.Value);
        Assert.True(driver.AddressFromDevice);
        var status = new VirtioMmio.Status(VirtioNetBus.Status);
        Assert.True(status.Acknowledge && status.Driver && status.DriverOk && !status.Failed);
        Assert.Equal(1, VirtioNetBus.Notifications[0]); // the receive buffers, offered once
    }

    [Fact]
    public void Without_the_mac_feature_the_given_address_is_used()
    {
        VirtioNetBus.DeviceFeatures = 0;
        var driver = Running();
        Assert.Equal(0u, VirtioNetBus.DriverFeatures);
        Assert.Equal(Fallback.Value, driver.Address.Value);
        Assert.False(driver.AddressFromDevice);
    }

    public static TheoryData<string, VirtioNetStatus> MalformedDevices => new()
    {
        { "magic", VirtioNetStatus.BadMagic },
        { "modern", VirtioNetStatus.UnsupportedVersion },
        { "empty slot", VirtioNetStatus.NoDevice },
        { "block device", VirtioNetStatus.NotNetworkDevice },
        { "reset stuck", VirtioNetStatus.ResetTimeout },
        { "queue too small", VirtioNetStatus.QueueTooSmall },
        { "no queue", VirtioNetStatus.QueueTooSmall },
    };

    [Theory]
    [MemberData(nameof(MalformedDevices))]
    public void A_malformed_device_is_refused_with_its_reason(string fault, VirtioNetStatus expected)
    {
        switch (fault)
        {
            case "magic": VirtioNetBus.Magic = 0x12345678; break;
            case "modern": VirtioNetBus.Version = 2; break;
            case "empty slot": VirtioNetBus.DeviceId = 0; break;
            case "block device": VirtioNetBus.DeviceId = 2; break;
            case "reset stuck": VirtioNetBus.ResetStuck = true; VirtioNetBus.Status = 1; break;
            case "queue too small": VirtioNetBus.QueueNumMax = 4; break;
            case "no queue": VirtioNetBus.QueueNumMax = 0; break;
        }
        var driver = Make(4, 4);
        Assert.Equal(expected, driver.Start(Fallback));
        Assert.DoesNotContain("unknown", VirtioNetStatusText.Describe(expected));
        Assert.False(new VirtioMmio.Status(VirtioNetBus.Status).DriverOk);
        Assert.False(driver.Send(Frame(60, 1)));
        Assert.False(driver.TryReceive(out _));
        if (expected == VirtioNetStatus.QueueTooSmall)
            Assert.True(new VirtioMmio.Status(VirtioNetBus.Status).Failed, "the device is told the driver gave up");
    }

    [Fact]
    public void Memory_that_is_not_page_aligned_is_refused()
    {
        var good = VirtioNetBus.Allocate(4, 4, out _memory);
        var shifted = new VirtioNetMemory(good.Address + 64, good.Length, 4, 4);
        var driver = new VirtioNetDriver<VirtioNetBus, TestClock, TestDma>(new VirtioMmio<VirtioNetBus>(VirtioNetBus.Device), shifted);
        Assert.Equal(VirtioNetStatus.BadMemory, driver.Start(Fallback));
        Assert.Empty(VirtioNetBus.Log); // the device is not touched
    }

    [Fact]
    public void Frames_go_out_and_come_in_through_both_queues_many_times_round()
    {
        var driver = Running(receive: 4, transmit: 2);
        var buffer = new byte[2048];
        for (int i = 0; i < 40; i++)
        {
            byte[] outgoing = Frame(60 + i * 30, (byte)i);
            Assert.True(driver.Send(outgoing));
            Assert.Equal(outgoing, VirtioNetBus.Sent[^1]);

            byte[] incoming = Frame(1514 - i * 20, (byte)(i + 100));
            Assert.True(VirtioNetBus.Inject(incoming));
            int length = Receive(driver, buffer);
            Assert.Equal(incoming.Length, length);
            Assert.Equal(incoming, buffer[..length]);
            Assert.Equal(0, Receive(driver, buffer));
        }
        Assert.Equal(40, VirtioNetBus.Sent.Count);
        Assert.Equal(0, driver.TransmitPending());
        Assert.True(TestDma.Cleans > 0 && TestDma.Invalidates > 0, "cache maintenance hooks are called");
    }

    [Fact]
    public void A_received_frame_is_lent_in_place_and_its_buffer_comes_back_on_release()
    {
        var driver = Running(receive: 2, transmit: 2);
        Assert.True(VirtioNetBus.Inject(Frame(100, 1)));
        Assert.True(VirtioNetBus.Inject(Frame(200, 2)));
        Assert.False(VirtioNetBus.Inject(Frame(300, 3))); // both buffers are full or lent

        Assert.True(driver.TryReceive(out Span<byte> frame));
        Assert.Equal(100, frame.Length);
        unsafe
        {
            fixed (byte* start = frame)
            {
                nuint address = (nuint)start;
                Assert.True(address >= TestDma.HostBase && address % 64 == 0, "the frame is the buffer itself, at its start");
            }
        }
        Assert.False(VirtioNetBus.Inject(Frame(300, 3))); // still lent
        driver.Release();
        Assert.True(VirtioNetBus.Inject(Frame(300, 3)));

        var buffer = new byte[2048];
        Assert.Equal(200, Receive(driver, buffer));
        Assert.Equal(300, Receive(driver, buffer));
        Assert.Equal(Frame(300, 3), buffer[..300]);
    }

    [Fact]
    public void Asking_again_without_release_gives_the_lent_buffer_back_first()
    {
        var driver = Running(receive: 2, transmit: 2);
        Assert.True(VirtioNetBus.Inject(Frame(100, 1)));
        Assert.True(driver.TryReceive(out _));
        Assert.False(driver.TryReceive(out _));
        Assert.True(VirtioNetBus.Inject(Frame(100, 2)));
        Assert.True(VirtioNetBus.Inject(Frame(100, 3)));
    }

    [Fact]
    public void Sends_are_refused_while_every_transmit_buffer_is_with_the_device()
    {
        var driver = Running(receive: 2, transmit: 2);
        VirtioNetBus.TransmitPaused = true;
        Assert.True(driver.Send(Frame(60, 1)));
        Assert.True(driver.Send(Frame(60, 2)));
        Assert.False(driver.Send(Frame(60, 3)));
        Assert.Equal(1UL, driver.TransmitRingFull);
        Assert.Equal(2, driver.TransmitPending());

        VirtioNetBus.RunTransmit();
        Assert.Equal(0, driver.TransmitPending());
        Assert.True(driver.Send(Frame(60, 3)));
        Assert.Equal([Frame(60, 1), Frame(60, 2), Frame(60, 3)], VirtioNetBus.Sent);
    }

    [Fact]
    public void Frames_larger_than_a_buffer_or_empty_are_not_sent()
    {
        var driver = Running();
        Assert.False(driver.Send(new byte[VirtioNetMemory.BufferStride + 1]));
        Assert.False(driver.Send([]));
        Assert.Empty(VirtioNetBus.Sent);
    }

    [Fact]
    public void No_notification_is_written_while_the_device_says_it_needs_none()
    {
        var driver = Running();
        VirtioNetBus.SuppressNotifications = true;
        VirtioNetBus.Write32(VirtioNetBus.Device + 0x030, 0); // any register write makes the model publish the flag
        VirtioNetBus.TransmitPaused = true;
        ulong before = driver.Notifications;
        Assert.True(driver.Send(Frame(60, 1)));
        Assert.True(VirtioNetBus.Inject(Frame(60, 2)));
        Assert.True(driver.TryReceive(out _));
        driver.Release();
        Assert.Equal(before, driver.Notifications);

        VirtioNetBus.SuppressNotifications = false;
        VirtioNetBus.Write32(VirtioNetBus.Device + 0x030, 0);
        Assert.True(driver.Send(Frame(60, 3)));
        Assert.Equal(before + 1, driver.Notifications);
    }

    [Fact]
    public void A_used_chain_the_driver_never_offered_is_counted_and_skipped()
    {
        var driver = Running(receive: 2, transmit: 2);
        VirtioNetBus.UseBogus(head: 3, length: 100);   // odd: a frame descriptor, not a head
        VirtioNetBus.UseBogus(head: 0, length: 4);     // shorter than the header
        Assert.True(VirtioNetBus.Inject(Frame(80, 7)));
        var buffer = new byte[2048];
        Assert.Equal(80, Receive(driver, buffer));
        Assert.Equal(2UL, driver.ReceiveErrors);
    }

    [Fact]
    public void Acknowledging_the_interrupt_clears_what_was_pending()
    {
        Running();
        Assert.True(VirtioNetBus.Inject(Frame(60, 1)));
        var pending = Acknowledge();
        Assert.True(pending.UsedBuffer);
        Assert.Equal(0u, VirtioNetBus.InterruptStatus); // the level drops
        Assert.False(Acknowledge().UsedBuffer);
    }

    [Fact]
    public void Stop_resets_the_device_and_start_brings_it_back()
    {
        var driver = Running();
        driver.Stop();
        Assert.Equal(0u, VirtioNetBus.Status);
        Assert.False(driver.Send(Frame(60, 1)));
        Assert.Equal(VirtioNetStatus.Ok, driver.Start(Fallback));
        Assert.True(VirtioNetBus.Inject(Frame(60, 2)));
        Assert.Equal(60, Receive(driver, new byte[2048]));
    }
}
