using System.Text;
using Unikernel.Platform;
using Unikernel.Tests.Images;

namespace Unikernel.Tests.DeviceTree;

/// <summary>
/// What the ImageProbe's device tree checks print on the host, which the boards must print too
/// (RuntimeProbeTests): the edits succeed, and each broken tree is refused for its own reason.
/// </summary>
public sealed class DeviceTreeProbeLinesTests
{
    private struct Recorder : IConsole
    {
        [ThreadStatic] public static StringBuilder? Text;

        public static void Write(ReadOnlySpan<byte> bytes) => Text!.Append(Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void The_probe_edits_its_tree_and_refuses_the_broken_ones_for_their_reasons()
    {
        Recorder.Text = new StringBuilder();
        DeviceTreeChecks<Recorder>.Run();
        var lines = Recorder.Text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2)).ToDictionary(parts => parts[0], parts => parts[1]);

        Assert.Equal("0", lines["fdt-check"]);
        Assert.Equal("0", lines["fdt-edits"]);
        Assert.Equal("400000003ff00000", lines["fdt-memory-reg"].ToLowerInvariant());
        Assert.Equal("7073636900", lines["fdt-cpu1-enable-method"].ToLowerInvariant()); // "psci\0"
        Assert.Equal(((int)Boot.Image.DeviceTree.DeviceTreeError.NoRoom).ToString(), lines["fdt-no-room"]);
        Assert.Equal(((int)Boot.Image.DeviceTree.DeviceTreeError.BadMagic).ToString(), lines["fdt-bad-magic"]);
        Assert.Equal(((int)Boot.Image.DeviceTree.DeviceTreeError.Truncated).ToString(), lines["fdt-truncated"]);
        Assert.Equal(((int)Boot.Image.DeviceTree.DeviceTreeError.BadToken).ToString(), lines["fdt-damaged"]);
        Assert.InRange(int.Parse(lines["fdt-size"]), 377 + 200, 1024);
    }
}
