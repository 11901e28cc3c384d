using System.Globalization;

using Unikernel.Tool.Build;

namespace Unikernel.Tool.Bench;

/// <summary>
/// Our stack: `unikernel hoststack` on a TAP interface in a namespace, with its TCP service on
/// port 1337, which prints `hoststack: tcp 1337 received N bytes sha256 HEX in MS ms` when the
/// peer closes. Until hoststack has TCP, the connection is refused or times out, and the row
/// reads "not available yet". With a send size it also runs `--send BYTES`: a source on TCP
/// port 19 that prints `hoststack: tcp 19 sent N bytes in MS ms`.
/// </summary>
public sealed class HostStackReceiver : BenchReceiver
{
    public const string Tap = "uk0";
    public const string Mac = "02:00:5e:77:00:02";
    public const string LinkAddress = "169.254.77.1/16";
    public const string StackAddress = "169.254.77.2";
    public const string NotAvailable = "not available yet (hoststack has no TCP)";

    private readonly BenchNamespace _space;
    private readonly BackgroundProcess _stack;

    private readonly bool _hash;
    private readonly long? _sendBytes;

    /// <param name="hash">true: the upload service checks SHA-256 as the bootloader does; false: it only counts, as the lwIP sink does.</param>
    /// <param name="sendBytes">The stream's length for the source on port 19; null for none.</param>
    /// <param name="offload">true: TCP offloads on the TAP (hoststack's default); false: `--no-offload`, one frame per read() and per write().</param>
    public HostStackReceiver(bool hash, long? sendBytes = null, bool offload = true)
    {
        _hash = hash;
        _sendBytes = sendBytes;
        _space = new BenchNamespace();
        try
        {
            string[] counting = hash ? [] : ["--no-hash"];
            string[] source = sendBytes is { } bytes ? ["--send", bytes.ToString(CultureInfo.InvariantCulture)] : [];
            string[] perFrame = offload ? [] : ["--no-offload"];
            _stack = _space.Start([.. ToolCommand(), "hoststack", "--tap", Tap, "--mac", Mac, "--ipv4", StackAddress + "/16", .. counting, .. source, .. perFrame]);
            _stack.WaitForLine("^hoststack: uk0 ", TimeSpan.FromSeconds(30));
            _space.Address(Tap, LinkAddress);
        }
        catch
        {
            _space.Dispose();
            throw;
        }
    }


    public override BenchNamespace Sender => _space;

    public override string Address => StackAddress;

    public override int? SendPort => _sendBytes is null ? null : HostStack.StreamSource.Port;

    public override int Mark() => _stack.LineCount;

    public override void ConfirmSent(ThroughputRun run, StreamFile stream, int mark)
    {
        base.ConfirmSent(run, stream, mark);
        var report = _stack.WaitForLine($@"^hoststack: tcp {HostStack.StreamSource.Port} sent (\d+) bytes in (\d+) ms$", TimeSpan.FromSeconds(10), mark);
        long sent = long.Parse(report.Groups[1].Value, CultureInfo.InvariantCulture);
        if (sent != stream.Length)
            throw new BenchFailure($"hoststack sent {sent} bytes of {stream.Length}");
    }

    public override void Confirm(ThroughputRun run, StreamFile stream, int mark)
    {
        if (!run.Connected)
            throw new ReceiverUnavailable(NotAvailable);
        base.Confirm(run, stream, mark);
        string pattern = _hash
            ? $@"^hoststack: tcp {ThroughputRun.Port} received (\d+) bytes sha256 ([0-9a-fA-F]{{64}}) in (\d+) ms$"
            : $@"^hoststack: tcp {ThroughputRun.Port} received (\d+) bytes in (\d+) ms$";
        var report = _stack.WaitForLine(pattern, TimeSpan.FromSeconds(10), mark);
        long received = long.Parse(report.Groups[1].Value, CultureInfo.InvariantCulture);
        if (received != stream.Length)
            throw new BenchFailure($"hoststack received {received} bytes of {stream.Length}");
        if (_hash && !string.Equals(report.Groups[2].Value, stream.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new BenchFailure($"hoststack's sha256 {report.Groups[2].Value} is not the stream's {stream.Sha256}");
    }

    public override void Dispose() => _space.Dispose();

    /// <summary>This tool again: `dotnet unikernel.dll`, or its apphost.</summary>
    private static string[] ToolCommand()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        return System.IO.Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [host, typeof(HostStackReceiver).Assembly.Location]
            : [host];
    }
}
