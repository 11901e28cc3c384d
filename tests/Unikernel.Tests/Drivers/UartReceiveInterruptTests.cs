using Unikernel.Drivers.Uart;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// The receive interrupt of both console UARTs on a simulated bus. Expected words from the
/// 16550 register layout (IER ERBFI bit 0, ELSI bit 2; IIR ids 4 data, 6 line status, 7 busy,
/// 12 timeout) and the PL011 TRM (IMSC/MIS/ICR RX bit 4, RT bit 6), not from the YAML.
/// </summary>
[Collection("RecordingBus")]
public sealed class UartReceiveInterruptTests
{
    private const nuint Uart0 = H3.Uart0.Base;
    private const nuint VirtUart0 = QemuVirt.Uart0.Base;
    private static readonly Uart16550<RecordingBus> Uart = H3<RecordingBus>.Uart0;
    private static readonly Pl011<RecordingBus> VirtUart = QemuVirt<RecordingBus>.Uart0;

    public UartReceiveInterruptTests() => RecordingBus.Reset();

    private static List<string> Writes() => RecordingBus.Log.Where(line => line.StartsWith("write")).ToList();

    [Fact]
    public void Ns16550_receive_interrupt_sets_and_clears_data_and_line_status_keeping_the_rest()
    {
        RecordingBus.Registers[Uart0 + 0x04] = 1u << 1; // ETBEI on already
        Ns16550Uart<RecordingBus>.EnableReceiveInterrupt(Uart);
        Ns16550Uart<RecordingBus>.DisableReceiveInterrupt(Uart);
        Assert.Equal(["write 0x01c28004 <- 0x00000007", "write 0x01c28004 <- 0x00000002"], Writes());
        Assert.Equal(32, H3.Uart0.Irq);
    }

    [Theory]
    [InlineData(0xC6u, "RxLineStatus", 0x01C28014u)]   // line status: LSR read
    [InlineData(0xC7u, "BusyDetect", 0x01C2807Cu)]     // DesignWare busy: USR read
    [InlineData(0xC4u, "RxData", 0u)]                  // data: left for the caller to drain
    [InlineData(0xCCu, "CharTimeout", 0u)]
    [InlineData(0xC1u, "None", 0u)]
    public void Ns16550_acknowledge_reads_what_clears_each_source(uint iir, string source, uint clearingRead)
    {
        RecordingBus.Registers[Uart0 + 0x08] = iir;
        Assert.Equal(source, Ns16550Uart<RecordingBus>.AcknowledgeInterrupt(Uart).ToString());
        var reads = RecordingBus.Log.Where(line => line.StartsWith("read")).Skip(1).ToList();
        if (clearingRead == 0)
            Assert.Empty(reads);
        else
            Assert.StartsWith($"read  0x{clearingRead:x8} ", reads.Single());
        Assert.Empty(Writes());
    }

    [Fact]
    public void Ns16550_reads_bytes_while_data_is_ready()
    {
        var bytes = new Queue<uint>([(uint)'o', (uint)'k']);
        RecordingBus.OnRead = (address, value) => address == Uart0 + 0x14 ? (bytes.Count > 0 ? 1u : 0u) : address == Uart0 ? bytes.Dequeue() : value;
        Assert.True(Ns16550Uart<RecordingBus>.TryRead(Uart, out byte first));
        Assert.True(Ns16550Uart<RecordingBus>.TryRead(Uart, out byte second));
        Assert.False(Ns16550Uart<RecordingBus>.TryRead(Uart, out _));
        Assert.Equal("ok", $"{(char)first}{(char)second}");
    }

    [Fact]
    public void Pl011_receive_interrupt_masks_and_clears_rx_and_timeout()
    {
        RecordingBus.Registers[VirtUart0 + 0x38] = 1u << 5; // TXIM on already
        Pl011Uart<RecordingBus>.EnableReceiveInterrupt(VirtUart);
        Pl011Uart<RecordingBus>.DisableReceiveInterrupt(VirtUart);
        RecordingBus.Registers[VirtUart0 + 0x40] = 1u << 6; // MIS: receive timeout
        Assert.True(Pl011Uart<RecordingBus>.AcknowledgeReceiveInterrupt(VirtUart));
        RecordingBus.Registers[VirtUart0 + 0x40] = 1u << 5; // MIS: transmit only
        Assert.False(Pl011Uart<RecordingBus>.AcknowledgeReceiveInterrupt(VirtUart));
        Assert.Equal(
        [
            "write 0x09000038 <- 0x00000070",
            "write 0x09000038 <- 0x00000020",
            "write 0x09000044 <- 0x00000040", // ICR: RTIC only
        ], Writes());
        Assert.Equal(33, QemuVirt.Uart0.Irq);
    }

    [Fact]
    public void Pl011_reads_bytes_until_the_fifo_is_empty()
    {
        RecordingBus.Registers[VirtUart0 + 0x18] = 1u << 4; // RXFE
        Assert.False(Pl011Uart<RecordingBus>.TryRead(VirtUart, out _));
        RecordingBus.Registers[VirtUart0 + 0x18] = 0;
        RecordingBus.Registers[VirtUart0] = 0x41 | 1u << 8; // 'A' with a framing error flag
        Assert.True(Pl011Uart<RecordingBus>.TryRead(VirtUart, out byte value));
        Assert.Equal((byte)'A', value);
    }
}
