using System.Text.RegularExpressions;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests.Cpu;

/// <summary>The qemu-virt bootloader turns on the MMU and caches, the GICv2 and a timer tick, and says so.</summary>
[Collection("Images")]
public class CpuBootTests(ImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void Qemu_virt_reports_mmu_gic_and_a_measured_timer_tick()
    {
        using var qemu = QemuSession.Start(images.Bootloaders["qemu-virt"]);
        string? tick = qemu.WaitForLine(line => line.Contains("timer tick"), BootTimeout);
        string output = qemu.Output;
        Assert.True(tick is not null, $"no timer tick line:\n{output}");
        Assert.Contains("[ OK ] MMU on, caches on", output);
        // QEMU virt with secure=on: a GICv2 with the security extensions, 288 IDs (refs/qemu-h3.md 3).
        Assert.Contains("[ OK ] GICv2 288 interrupts", output);
        // 100 Hz watched for 50 ms: up to five periods; an emulator busy with other work may deliver fewer.
        var measured = Regex.Match(tick!, @"^\[ OK \] timer tick 100 Hz \((\d+) ticks in 50 ms\)$");
        Assert.True(measured.Success, tick);
        Assert.InRange(int.Parse(measured.Groups[1].Value), 1, 6);
        // The banner follows: the program runs on with interrupts on.
        Assert.NotNull(qemu.WaitForLine(line => line.StartsWith("  timer "), BootTimeout));
        Assert.DoesNotContain("panic", qemu.Output);
    }
}
