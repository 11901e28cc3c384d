using System.Text;
using Unikernel.Platform;
using Unikernel.Tests.Images;
using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests.Scheduling;

/// <summary>Builds tests/Images/SchedulerProbe for qemu-virt once, into a temporary directory of its own.</summary>
public sealed class SchedulerProbeFixture : IDisposable
{
    public SchedulerProbeFixture()
    {
        string root = Repository.FindRoot();
        Output = Directory.CreateTempSubdirectory("unikernel-schedprobe-").FullName;
        Probe = new ImageBuilder(root).Build(BoardCatalog.Load(root, "qemu-virt"), Path.Combine(Output, "scheduler-probe"),
            Path.Combine(root, "tests", "Images", "SchedulerProbe", "SchedulerProbe.csproj"));
    }

    public string Output { get; }
    public BuiltImage Probe { get; }

    public void Dispose() => Directory.Delete(Output, recursive: true);
}

/// <summary>
/// SchedulerDemo.cs: five tasks (take turns, signal, sleep, wait for the timer interrupt) print
/// the order the scheduler ran them in, on the host with a simulated clock and timer, and on
/// qemu-virt with the generic timer's interrupt through the GIC.
/// </summary>
[Collection("Scheduler")]
public sealed class SchedulerProbeTests(SchedulerProbeFixture fixture) : IClassFixture<SchedulerProbeFixture>
{
    private const uint TimerInterrupt = 29;

    private static readonly string[] Expected =
    [
        "ping 1",
        "pong 1",
        "sleeper sleeps 20 ms",
        "waiter waits for the timer interrupt",
        "consumer waits for a signal",
        "ping 2",
        "pong 2",
        "consumer got signal 1",
        "ping 3",
        "pong 3",
        "sleeper woke at its deadline",
        "waiter woke for the timer interrupt",
        "scheduler: all tasks done",
    ];

    private struct HostConsole : IConsole
    {
        public static readonly StringBuilder Text = new();

        public static void Write(ReadOnlySpan<byte> bytes) => Text.Append(Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Tasks_run_in_the_expected_order_on_a_simulated_clock()
    {
        SimulatedIdle.Reset();
        SimulatedIdle.DeadlineInterrupt = TimerInterrupt;
        HostConsole.Text.Clear();
        var scheduler = SchedulerDemo<HostConsole, SimulatedClock, SimulatedIdle>.Start(SimulatedIdle.Core, TimerInterrupt);

        SchedulerDemo<HostConsole, SimulatedClock, SimulatedIdle>.Run(scheduler);

        Assert.Equal(Expected, HostConsole.Text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(SchedulerDemo<HostConsole, SimulatedClock, SimulatedIdle>.SleepMilliseconds, SimulatedClock.Now);
        Assert.Equal(1, SimulatedIdle.Sleeps);
        SimulatedIdle.Reset();
    }

    [Fact]
    public void Tasks_run_in_the_same_order_on_qemu_virt_woken_by_the_timer_interrupt_without_allocating()
    {
        using var qemu = QemuSession.Start(fixture.Probe);
        string? heap = qemu.WaitForLine(line => line.StartsWith("heap used by the run ") || line.StartsWith("panic:"), TimeSpan.FromSeconds(30));
        Assert.True(heap is not null && heap.StartsWith("heap used"), $"the probe did not finish:\n{qemu.Output}");
        var lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int begin = lines.IndexOf("runtime probe: begin");
        int end = lines.IndexOf("runtime probe: end");
        Assert.Equal(Expected, lines.Skip(begin + 1).Take(end - begin - 1));
        Assert.Equal("heap used by the run 0", heap);
    }
}
