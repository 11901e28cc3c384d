using Unikernel.Drivers.Storage;
using Unikernel.Hardware;
using Unikernel.Tool;

namespace Unikernel.Tests.Drivers;

[Collection("SmhcBus")]
public sealed class SmhcSdCardTests
{
    private const int DescriptorCount = 2;
    private const int DataOffset = 4096;
    public SmhcSdCardTests()
    {
        SmhcBus.Reset();
        SmhcTestClock.Now = 0;
        SmhcTestDma.Allocate(DataOffset + 512 * 1024);
    }

    private static SmhcSdCard<SmhcBus, SmhcTestClock, SmhcTestDma> Make(SimulatedSdCard? card)
    {
        SmhcBus.Card = card;
        uint moduleHz = SmhcClocks<SmhcBus>.EnableSmhc0(H3<SmhcBus>.Ccu);
        SdCardPins<SmhcBus>.ConfigureSmhc0(H3<SmhcBus>.Pio);
        return new SmhcSdCard<SmhcBus, SmhcTestClock, SmhcTestDma>(H3<SmhcBus>.Smhc0, SmhcTestDma.At(0), DescriptorCount, moduleHz);
    }

    private static SmhcSdCard<SmhcBus, SmhcTestClock, SmhcTestDma> Ready(SimulatedSdCard card)
    {
        var driver = Make(card);
        Assert.Equal(SdStatus.Ok, driver.Initialize());
        return driver;
    }

    private static Span<byte> Buffer(int length) => SmhcTestDma.Span(DataOffset, length);

    private static void Fill(Span<byte> bytes, byte seed)
    {
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(seed + i * 7 + (i >> 9));
    }

    [Fact]
    public void Sdsc_card_is_identified_with_byte_addressing_and_its_csd_capacity()
    {
        var card = new SimulatedSdCard(8 << 20, highCapacity: false);
        var driver = Ready(card);
        Assert.False(driver.HighCapacity);
        Assert.Equal(16384UL, driver.BlockCount);
        Assert.Equal(2u, card.BusWidthArgument);
        Assert.Equal(512u, card.BlockLength);
        Assert.True(card.Selected);
        Assert.Equal(["CMD0 0x00000000", "CMD8 0x000001aa", "CMD55 0x00000000", "ACMD41 0x40300000", "CMD55 0x00000000",
            "ACMD41 0x40300000", "CMD55 0x00000000", "ACMD41 0x40300000", "CMD2 0x00000000", "CMD3 0x00000000",
            "CMD9 0xb3680000", "CMD7 0xb3680000", "CMD55 0xb3680000", "ACMD6 0x00000002", "CMD16 0x00000200"], SmhcBus.Commands);
    }

    [Fact]
    public void Sdhc_card_is_identified_with_block_addressing_and_no_block_length_command()
    {
        var card = new SimulatedSdCard(4L << 30, highCapacity: true);
        var driver = Ready(card);
        Assert.True(driver.HighCapacity);
        Assert.Equal(8UL << 20, driver.BlockCount);
        Assert.Equal(0u, card.BlockLength);
        Assert.DoesNotContain(SmhcBus.Commands, c => c.StartsWith("CMD16"));
    }

    [Fact]
    public void Sd_version_1_card_is_asked_without_hcs_after_cmd8_goes_unanswered()
    {
        var card = new SimulatedSdCard(1 << 20, highCapacity: false) { Version2 = false };
        var driver = Ready(card);
        Assert.Equal(2048UL, driver.BlockCount);
        Assert.Contains("ACMD41 0x00300000", SmhcBus.Commands);
    }

    [Fact]
    public void Multiple_blocks_written_over_several_descriptors_and_commands_read_back_the_same_on_sdsc()
    {
        var card = new SimulatedSdCard(8 << 20, highCapacity: false);
        var driver = Ready(card);
        SmhcBus.Commands.Clear();
        const int length = 200 * 1024; // > 2 descriptors x 64 KiB: two commands, the first with two descriptors
        var pattern = new byte[length];
        Fill(pattern, 3);
        pattern.CopyTo(Buffer(length));
        Assert.Equal(SdStatus.Ok, driver.Write(100, Buffer(length)));
        Assert.Equal(pattern.AsSpan(0, 512).ToArray(), card.Block(100));
        Assert.Equal(pattern.AsSpan(length - 512).ToArray(), card.Block(100 + length / 512 - 1));
        Assert.Equal(["CMD25 0x0000c800", "CMD12 (auto)", "CMD25 0x0002c800", "CMD12 (auto)"], SmhcBus.Commands);

        Buffer(length).Clear();
        SmhcBus.Commands.Clear();
        SmhcBus.DescriptorsWalked = 0;
        Assert.Equal(SdStatus.Ok, driver.Read(100, Buffer(length)));
        Assert.Equal(pattern, Buffer(length).ToArray());
        Assert.Equal(["CMD18 0x0000c800", "CMD12 (auto)", "CMD18 0x0002c800", "CMD12 (auto)"], SmhcBus.Commands);
        Assert.Equal(4, SmhcBus.DescriptorsWalked);
        Assert.True(SmhcTestDma.Invalidates > 0 && SmhcTestDma.Cleans > 0);
    }

    [Fact]
    public void Single_blocks_use_cmd17_and_cmd24_and_sdhc_gets_block_addresses()
    {
        var card = new SimulatedSdCard(4L << 30, highCapacity: true);
        var driver = Ready(card);
        SmhcBus.Commands.Clear();
        const ulong far = 5_000_000;
        Fill(Buffer(512), 9);
        byte[] block = Buffer(512).ToArray();
        Assert.Equal(SdStatus.Ok, driver.Write(far, Buffer(512)));
        Assert.Equal(block, card.Block((long)far));
        Buffer(512).Clear();
        Assert.Equal(SdStatus.Ok, driver.Read(far, Buffer(512)));
        Assert.Equal(block, Buffer(512).ToArray());
        Assert.Equal(["CMD24 0x004c4b40", "CMD17 0x004c4b40"], SmhcBus.Commands);
    }

    [Fact]
    public void Write_waits_while_the_card_is_busy_programming()
    {
        var driver = Ready(new SimulatedSdCard(8 << 20, highCapacity: false));
        SmhcBus.BusyReadsAfterWrite = 5;
        Assert.Equal(SdStatus.Ok, driver.Write(0, Buffer(1024)));
        SmhcBus.BusyReadsAfterWrite = int.MaxValue;
        Assert.Equal(SdStatus.BusyTimeout, driver.Write(0, Buffer(1024)));
    }

    [Fact]
    public void No_card_is_reported_as_such_with_real_and_qemu_error_bits()
    {
        Assert.Equal(SdStatus.NoCard, Make(null).Initialize());
        SmhcBus.Reset();
        SmhcBus.QemuNoResponse = true;
        Assert.Equal(SdStatus.NoCard, Make(null).Initialize());
    }

    [Fact]
    public void A_command_without_response_is_a_command_timeout()
    {
        SmhcBus.NoResponseOnCommand = 9;
        Assert.Equal(SdStatus.CommandTimeout, Make(new SimulatedSdCard(8 << 20, false)).Initialize());
    }

    [Fact]
    public void A_response_crc_error_is_reported()
    {
        SmhcBus.CrcErrorOnCommand = 2;
        var driver = Make(new SimulatedSdCard(8 << 20, false));
        Assert.Equal(SdStatus.CrcError, driver.Initialize());
        Assert.Equal(0UL, driver.BlockCount);
    }

    [Fact]
    public void A_card_that_never_finishes_power_up_is_a_busy_timeout()
    {
        var driver = Make(new SimulatedSdCard(8 << 20, false) { ReadyAfterPolls = -1 });
        Assert.Equal(SdStatus.BusyTimeout, driver.Initialize());
        Assert.True(SmhcBus.Commands.Count(c => c.StartsWith("ACMD41")) > 10);
    }

    [Fact]
    public void A_stuck_clock_update_is_a_controller_timeout()
    {
        SmhcBus.ClockUpdateStuck = true;
        Assert.Equal(SdStatus.ControllerTimeout, Make(new SimulatedSdCard(8 << 20, false)).Initialize());
    }

    [Fact]
    public void Data_errors_are_reported_and_the_driver_recovers()
    {
        var driver = Ready(new SimulatedSdCard(8 << 20, highCapacity: false));
        SmhcBus.DataCrcErrors = true;
        Assert.Equal(SdStatus.CrcError, driver.Read(0, Buffer(2048)));
        Assert.Contains("CMD12 0x00000000", SmhcBus.Commands); // stop sent after the failed multiple-block read
        SmhcBus.DataCrcErrors = false;
        SmhcBus.DataNeverCompletes = true;
        Assert.Equal(SdStatus.DataTimeout, driver.Read(0, Buffer(512)));
        SmhcBus.DataNeverCompletes = false;
        SmhcBus.DescriptorBusError = true;
        Assert.Equal(SdStatus.DmaError, driver.Read(0, Buffer(512)));
        SmhcBus.DescriptorBusError = false;
        Assert.Equal(SdStatus.Ok, driver.Read(0, Buffer(512)));
    }

    [Fact]
    public void Out_of_range_and_bad_buffers_are_refused_before_any_command()
    {
        var driver = Ready(new SimulatedSdCard(1 << 20, highCapacity: false));
        SmhcBus.Commands.Clear();
        Assert.Equal(SdStatus.OutOfRange, driver.Read(2047, Buffer(1024)));
        Assert.Equal(SdStatus.OutOfRange, driver.Write(ulong.MaxValue, Buffer(512)));
        Assert.Equal(SdStatus.BadBuffer, driver.Read(0, Buffer(100)));
        Assert.Equal(SdStatus.BadBuffer, driver.Read(0, SmhcTestDma.Span(DataOffset + 2, 512)));
        Assert.Empty(SmhcBus.Commands);
        Assert.Equal(SdStatus.Ok, driver.Read(2047, Buffer(512)));
    }

    [Fact]
    public void Reads_before_initialisation_are_out_of_range()
    {
        var driver = Make(new SimulatedSdCard(1 << 20, highCapacity: false));
        Assert.Equal(SdStatus.OutOfRange, driver.Read(0, Buffer(512)));
    }

    [Fact]
    public void Initialisation_follows_the_approved_register_trace()
    {
        var driver = Make(new SimulatedSdCard(8 << 20, highCapacity: false));
        Assert.Equal(SdStatus.Ok, driver.Initialize());
        Fill(Buffer(1024), 1);
        Assert.Equal(SdStatus.Ok, driver.Write(3, Buffer(1024)));
        Assert.Equal(SdStatus.Ok, driver.Read(3, Buffer(512)));
        ApprovedTrace.Verify("SmhcSdCard.Initialize", SmhcBus.Log);
    }
}
