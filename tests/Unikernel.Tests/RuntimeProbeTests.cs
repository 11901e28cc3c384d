using System.Text;
using Unikernel.Drivers.Console;
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

    private static string[] HostLines()
    {
        lock (HostConsole.Text)
        {
            HostConsole.Text.Clear();
            RuntimeChecks<HostConsole>.Run();
            return HostConsole.Text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        }
    }

    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Corelib_computes_what_the_bcl_computes(string board)
    {
        using var qemu = QemuSession.Start(images.RuntimeProbes[board]);
        string? end = qemu.WaitForLine(line => line == "runtime probe: end" || line.StartsWith("panic:"), TimeSpan.FromSeconds(30));
        Assert.True(end == "runtime probe: end", $"the probe did not finish:\n{qemu.Output}");
        var lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int begin = lines.IndexOf("runtime probe: begin");
        int heap = lines.FindIndex(l => l.StartsWith("heap used "));
        string[] board_lines = lines.Skip(begin + 1).Take(heap - begin - 1).ToArray();
        string[] host = HostLines();
        Assert.True(host.Length > 60, $"only {host.Length} checks ran on the host");
        Assert.Equal(host, board_lines);
        // The objects the probe made came from the bump heap.
        Assert.True(ulong.Parse(lines[heap]["heap used ".Length..]) > 0);
    }
}
