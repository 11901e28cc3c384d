using System.Text;
using Unikernel.Platform;
using Unikernel.Tests.Images;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests;

/// <summary>
/// The corelib against the BCL: RuntimeChecks.cs runs on the emulated ARMv7 and AArch64 boards
/// (our corelib) and here (the BCL); every line must match.
/// </summary>
[Collection("Images")]
public class RuntimeProbeTests(ImageFixture images)
{
    private struct HostConsole : IConsole
    {
        public static readonly StringBuilder Text = new();

        public static void Write(ReadOnlySpan<byte> bytes) => Text.Append(Encoding.ASCII.GetString(bytes));
    }

    private static string[] HostLines(Action run)
    {
        lock (HostConsole.Text)
        {
            HostConsole.Text.Clear();
            run();
            return HostConsole.Text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        }
    }

    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Corelib_computes_what_the_bcl_computes(string board) =>
        Compare(images.RuntimeProbes[board], HostLines(RuntimeChecks<HostConsole>.Run), 60, allocates: true);

    /// <summary>The network stack's wire formats and interface, on the boards and on the host.</summary>
    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Network_stack_computes_on_the_boards_what_it_computes_on_the_host(string board) =>
        Compare(images.NetProbes[board], HostLines(() => NetChecks<HostConsole>.Run()), 10, allocates: false);

    /// <summary>
    /// TCP over a lossy, reordering wire between two of our stacks, on AArch64 bare metal and on
    /// the host: the same stream arrives, with the same hash, the same states and frame counts.
    /// </summary>
    [Fact]
    public void Tcp_transfers_on_the_board_as_on_the_host()
    {
        string[] host = HostLines(TcpChecks<HostConsole>.Run);
        Assert.Contains("ipv6-received 65536", host);
        Assert.Contains("ipv4-received 65536", host);
        Compare(images.TcpProbe, host, 10, allocates: true);
    }

    /// <summary>SHA-256 and the kernel image header (src/Image), on the boards and on the host; no heap.</summary>
    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Kernel_image_format_computes_on_the_boards_what_it_computes_on_the_host(string board) =>
        Compare(images.ImageProbes[board], HostLines(ImageChecks<HostConsole>.Run), 15, allocates: null);

    /// <param name="allocates">true: the probe must use the heap; false: it takes pools once and keeps them over 1000 frames; null: it must not use the heap at all.</param>
    private static void Compare(Unikernel.Tool.Build.BuiltImage image, string[] host, int minimumChecks, bool? allocates)
    {
        using var qemu = QemuSession.Start(image);
        string? end = qemu.WaitForLine(line => line == "runtime probe: end" || line.StartsWith("panic:"), TimeSpan.FromSeconds(30));
        Assert.True(end == "runtime probe: end", $"the probe did not finish:\n{qemu.Output}");
        var lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int begin = lines.IndexOf("runtime probe: begin");
        int heap = lines.FindIndex(l => l.StartsWith("heap used "));
        string[] board_lines = lines.Skip(begin + 1).Take(heap - begin - 1).ToArray();
        Assert.True(host.Length > minimumChecks, $"only {host.Length} checks ran on the host");
        Assert.Equal(host, board_lines);
        ulong heapUsed = ulong.Parse(lines[heap]["heap used ".Length..]);
        if (allocates is null)
        {
            Assert.Equal(0UL, heapUsed);
            return;
        }
        if (allocates.Value)
        {
            // The runtime probe makes objects (from the bump heap).
            Assert.True(heapUsed > 0, $"heap used: {heapUsed} bytes");
            return;
        }
        // The network stack takes its pools once, at start-up (inside the
        // probe's 8 KiB heap), and nothing per frame.
        string after = lines.Single(l => l.StartsWith("heap after 1000 frames "));
        Assert.Equal(heapUsed, ulong.Parse(after["heap after 1000 frames ".Length..]));
        Assert.InRange(heapUsed, 1UL, 8 * 1024UL);
    }
}
