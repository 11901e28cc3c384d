using System.Diagnostics;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Linux;

/// <summary>What a Linux boot showed on the console: seconds from QEMU's start to /init's first line, the CPUs and the lease /init reported.</summary>
/// <param name="InitSeconds">QEMU start to the "UNIKERNEL-INIT: up" line, as the host saw it.</param>
/// <param name="Cpus">The CPUs Linux brought up, or null if /init did not say.</param>
/// <param name="Lease">The DHCPv4 address /init got, or null.</param>
/// <param name="Console">Everything printed.</param>
public sealed record LinuxBootResult(double InitSeconds, int? Cpus, string? Lease, string Console);

/// <summary>Follows a booting Linux's console until /init is done.</summary>
public static class LinuxBootWatch
{
    /// <summary>
    /// Waits for /init's first line (within <paramref name="toInit"/> of <paramref name="clock"/>'s
    /// start, which should be QEMU's) and then its last (within <paramref name="afterInit"/>).
    /// Throws a <see cref="TimeoutException"/> with the console's tail when either does not come.
    /// </summary>
    public static LinuxBootResult Watch(QemuSession qemu, Stopwatch clock, TimeSpan toInit, TimeSpan afterInit)
    {
        if (qemu.WaitForLine(line => line.StartsWith(InitConsole.Prefix + " up ", StringComparison.Ordinal), toInit - clock.Elapsed) is null)
            throw new TimeoutException($"no \"{InitConsole.Prefix} up\" line {toInit.TotalSeconds:0} s after QEMU's start:\n{Tail(qemu.Output)}");
        double init = clock.Elapsed.TotalSeconds;
        if (qemu.WaitForLine(line => line.StartsWith(InitConsole.Prefix + " done", StringComparison.Ordinal), afterInit) is null)
            throw new TimeoutException($"/init did not finish within {afterInit.TotalSeconds:0} s of its start:\n{Tail(qemu.Output)}");
        string console = qemu.Output;
        return new LinuxBootResult(init, InitConsole.Cpus(console), InitConsole.Lease(console), console);
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}
