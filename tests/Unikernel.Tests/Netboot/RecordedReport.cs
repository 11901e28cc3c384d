using System.Text;
using Unikernel.Netboot;

namespace Unikernel.Tests.Netboot;

/// <summary>The board's report (no raw streams), its events written down as lines in the board's words.</summary>
public readonly struct RecordedReport(List<string> lines) : INetbootReport
{
    public static bool TakesRawStreams => false;

    public void Started() => lines.Add("upload started");

    public void Received(ReadOnlySpan<byte> data)
    {
    }

    public void Replied(ReadOnlySpan<byte> line, bool ok, ulong received, long milliseconds) => lines.Add(Encoding.ASCII.GetString(line));

    public void RawStream(ulong received, long milliseconds) => lines.Add($"raw stream of {received} bytes");

    public void Reset(ulong received) => lines.Add($"connection reset after {received} bytes");

    public void IdleDropped() => lines.Add("upload idle for 30 s, dropped");
}
