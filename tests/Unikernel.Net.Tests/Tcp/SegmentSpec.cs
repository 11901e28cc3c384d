using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// One segment of a <see cref="TcpScript"/> line: <c>FLAGS START:END(LENGTH) [ack N] [win N]
/// [port N] [badsum] [&lt;options&gt;]</c>, flags as tcpdump prints them (S, F, R, P, and . for ACK).
/// </summary>
internal sealed record SegmentSpec(TcpFlags Flags, long Start, int Length, long? Ack, int? Window, string? Options, ushort? DestinationPort,
    bool BadChecksum)
{
    private static readonly Regex Shape = new(
        @"^(?<flags>[SFRP.]+)\s+(?<start>-?\d+):(?<end>-?\d+)\((?<length>\d+)\)(?<rest>[^<]*)(<(?<options>[^>]*)>)?\s*$");

    public static SegmentSpec Parse(string text)
    {
        var match = Shape.Match(text);
        if (!match.Success)
            throw new TcpScriptException($"cannot read the segment '{text}'");
        TcpFlags flags = 0;
        foreach (char c in match.Groups["flags"].Value)
        {
            flags |= c switch
            {
                'S' => TcpFlags.Syn,
                'F' => TcpFlags.Fin,
                'R' => TcpFlags.Rst,
                'P' => TcpFlags.Psh,
                _ => TcpFlags.Ack,
            };
        }
        long start = long.Parse(match.Groups["start"].Value, CultureInfo.InvariantCulture);
        long end = long.Parse(match.Groups["end"].Value, CultureInfo.InvariantCulture);
        int length = int.Parse(match.Groups["length"].Value, CultureInfo.InvariantCulture);
        if (end - start != length)
            throw new TcpScriptException($"'{text}': {start}:{end} is not {length} bytes");
        string rest = match.Groups["rest"].Value;
        long? ack = Field(rest, "ack");
        long? window = Field(rest, "win");
        long? port = Field(rest, "port");
        string? options = match.Groups["options"].Success ? match.Groups["options"].Value : null;
        return new SegmentSpec(flags, start, length, ack, window is null ? null : (int)window, options,
            port is null ? null : (ushort)port, rest.Contains("badsum", StringComparison.Ordinal));
    }

    private static long? Field(string text, string name)
    {
        var match = Regex.Match(text, $@"\b{name}\s+(-?\d+)");
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The options of an inbound segment; SACK edges are relative to the peer's ISN as everything the peer says.</summary>
    public TcpOptions InboundOptions(SeqNumber? ourIss, uint peerIsn)
    {
        var options = new TcpOptions();
        if (Options is null)
            return options;
        foreach (string option in Options.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = option.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "nop":
                    break;
                case "mss":
                    options.HasMss = true;
                    options.Mss = ushort.Parse(words[1], CultureInfo.InvariantCulture);
                    break;
                case "wscale":
                    options.HasWindowScale = true;
                    options.WindowScale = byte.Parse(words[1], CultureInfo.InvariantCulture);
                    break;
                case "sackOK":
                    options.SackPermitted = true;
                    break;
                case "TS":
                    options.HasTimestamps = true;
                    options.TimestampValue = uint.Parse(words[2], CultureInfo.InvariantCulture);
                    options.TimestampEcho = uint.Parse(words[4], CultureInfo.InvariantCulture);
                    break;
                case "sack":
                    // Blocks the peer reports about OUR data: relative to our ISS.
                    foreach (string block in words.Skip(1))
                    {
                        string[] edges = block.Split(':');
                        var iss = ourIss ?? new SeqNumber(0);
                        options.AddSackBlock(new SackBlock(iss + int.Parse(edges[0], CultureInfo.InvariantCulture),
                            iss + int.Parse(edges[1], CultureInfo.InvariantCulture)));
                    }
                    break;
                default:
                    throw new TcpScriptException($"unknown option '{option}'");
            }
        }
        _ = peerIsn;
        return options;
    }
}
