using System.Text;
using Unikernel.Platform;
using Unikernel.Tests.Images;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests;

/// <summary>
/// The HTTP server on AArch64 bare metal (tests/Images/HttpProbe, our corelib) and here (the
/// BCL): a GET, a chunked upload with 100-continue, a streamed response, a form, a malformed request;
/// every line must match, and a hundred more requests take nothing from the heap.
/// </summary>
[Collection("Images")]
public class HttpProbeTests(ImageFixture images)
{
    private struct HostConsole : IConsole
    {
        public static readonly StringBuilder Text = new();

        public static void Write(ReadOnlySpan<byte> bytes) => Text.Append(Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Http_server_serves_on_the_board_as_on_the_host()
    {
        string[] host;
        lock (HostConsole.Text)
        {
            HostConsole.Text.Clear();
            new HttpChecks<HostConsole>().Run();
            host = HostConsole.Text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        }
        Assert.Contains("get-status 200", host);
        Assert.Contains("continue-status 100", host);
        Assert.Contains("put-status 201", host);
        Assert.Contains("stream-status 200", host);
        Assert.Contains("form-status 201", host);
        Assert.Contains("bad-status 400", host);
        Assert.Contains("bad-closed 1", host);

        using var qemu = QemuSession.Start(images.HttpProbe);
        string? end = qemu.WaitForLine(line => line == "runtime probe: end" || line.StartsWith("panic:"), TimeSpan.FromSeconds(60));
        Assert.True(end == "runtime probe: end", $"the probe did not finish:\n{qemu.Output}");
        var lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int begin = lines.IndexOf("runtime probe: begin");
        int heap = lines.FindIndex(l => l.StartsWith("heap used "));
        Assert.Equal(host, lines.Skip(begin + 1).Take(heap - begin - 1).ToArray());
        string after = lines.Single(l => l.StartsWith("heap after 100 requests "));
        Assert.Equal(lines[heap]["heap used ".Length..], after["heap after 100 requests ".Length..]);
    }
}
