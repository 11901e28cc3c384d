using Unikernel.Drivers.Storage;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// The SMHC interrupt on a simulated bus. Expected words from Linux sunxi-mmc.c (SDXC_INTERRUPT_ENABLE_BIT
/// bit 4 of GCTRL; SDXC_COMMAND_DONE bit 2, DATA_OVER bit 3, AUTO_COMMAND_DONE bit 14, and the
/// error bits 1, 6-9, 11-13, 15), not from the YAML.
/// </summary>
[Collection("RecordingBus")]
public sealed class SmhcInterruptTests
{
    private const nuint Smhc0 = H3.Smhc0.Base;
    private static readonly Smhc<RecordingBus> Host = H3<RecordingBus>.Smhc0;

    public SmhcInterruptTests() => RecordingBus.Reset();

    private static List<string> Writes() => RecordingBus.Log.Where(line => line.StartsWith("write")).ToList();

    [Fact]
    public void Enable_unmasks_completion_and_errors_then_opens_the_line_and_disable_undoes_both()
    {
        const uint Errors = 1u << 1 | 1u << 6 | 1u << 7 | 1u << 8 | 1u << 9 | 1u << 11 | 1u << 12 | 1u << 13 | 1u << 15;
        const uint Completion = 1u << 2 | 1u << 3 | 1u << 14;
        RecordingBus.Registers[Smhc0] = 0x300; // GCTRL reset value
        SmhcInterrupt<RecordingBus>.Enable(Host, SmhcInterrupt<RecordingBus>.CompletionAndErrors);
        SmhcInterrupt<RecordingBus>.Disable(Host);
        Assert.Equal(
        [
            $"write 0x{Smhc0 + 0x30:x8} <- 0x{Completion | Errors:x8}",
            $"write 0x{Smhc0:x8} <- 0x00000310",
            $"write 0x{Smhc0:x8} <- 0x00000300",
            $"write 0x{Smhc0 + 0x30:x8} <- 0x00000000",
        ], Writes());
        Assert.Equal(92, H3.Smhc0.Irq);
    }

    [Fact]
    public void Acknowledge_clears_exactly_the_pending_unmasked_events()
    {
        RecordingBus.Registers[Smhc0 + 0x34] = 1u << 2 | 1u << 3; // MISR: command done, data over
        Assert.Equal(0xCu, SmhcInterrupt<RecordingBus>.Acknowledge(Host));
        RecordingBus.Registers[Smhc0 + 0x34] = 0;
        Assert.Equal(0u, SmhcInterrupt<RecordingBus>.Acknowledge(Host));
        Assert.Equal([$"write 0x{Smhc0 + 0x38:x8} <- 0x0000000c"], Writes());
    }
}
