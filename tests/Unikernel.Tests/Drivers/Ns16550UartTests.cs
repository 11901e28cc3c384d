using Unikernel.Drivers.Uart;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

[Collection("RecordingBus")]
public class Ns16550UartTests
{
    private const nuint Uart0 = 0x01C28000;
    private static readonly Uart16550<RecordingBus> Uart = new(Uart0);

    public Ns16550UartTests() => RecordingBus.Reset();

    [Fact]
    public void Initialize_sets_the_divisor_through_the_latch_then_8N1_and_fifos()
    {
        Ns16550Uart<RecordingBus>.Initialize(Uart, 13);
        Assert.Equal(
        [
            "write 0x01c2800c <- 0x00000083", // LCR: DLAB | 8 bits
            "write 0x01c28000 <- 0x0000000d", // DLL
            "write 0x01c28004 <- 0x00000000", // DLH
            "write 0x01c2800c <- 0x00000003", // LCR: 8N1, DLAB off
            "write 0x01c28008 <- 0x00000007", // FCR: enable and reset FIFOs
        ], RecordingBus.Log);
    }

    [Theory]
    [InlineData(24_000_000u, 115_200u, 13u)]
    [InlineData(24_000_000u, 9_600u, 156u)]
    [InlineData(62_500_000u, 115_200u, 34u)]
    public void Divisor_rounds_to_the_nearest(uint clock, uint baud, uint divisor) =>
        Assert.Equal(divisor, Ns16550Uart<RecordingBus>.Divisor(clock, baud));

    [Fact]
    public void Write_waits_for_the_transmitter_then_writes_the_byte()
    {
        int polls = 0;
        RecordingBus.OnRead = (address, value) => address == Uart0 + 0x14 && ++polls >= 3 ? 0x20u : 0u;
        Assert.True(Ns16550Uart<RecordingBus>.TryWrite(Uart, (byte)'A'));
        Assert.Equal(3, polls);
        Assert.Equal(0x41u, RecordingBus.Registers[Uart0]);
    }

    [Fact]
    public void Write_gives_up_on_a_transmitter_that_never_empties()
    {
        Assert.False(Ns16550Uart<RecordingBus>.TryWrite(Uart, (byte)'A'));
        Assert.False(RecordingBus.Registers.ContainsKey(Uart0));
    }

    [Fact]
    public void Writing_bytes_sends_each_in_order()
    {
        RecordingBus.OnRead = (address, value) => address == Uart0 + 0x14 ? 0x20u : value;
        Assert.True(Ns16550Uart<RecordingBus>.TryWrite(Uart, "ok"u8));
        Assert.Equal(["write 0x01c28000 <- 0x0000006f", "write 0x01c28000 <- 0x0000006b"],
            RecordingBus.Log.Where(line => line.StartsWith("write")));
    }
}
