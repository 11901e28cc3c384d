using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Unikernel.Net.Tcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// A small packetdrill-style language for TCP behaviour: each line feeds a segment from the
/// peer (<c>&lt;</c>), expects one from us (<c>&gt;</c>), or acts as the application
/// (<c>app ...</c>), at a time in seconds (absolute, or <c>+</c> relative to the last line).
/// Sequence numbers are relative: the peer's to its initial sequence number (<c>peer isn N</c>
/// sets it, near the wrap if wanted), ours to our ISS, learned from our SYN or SYN-ACK.
/// <code>
/// 0     &lt; S 0:0(0) win 65535 &lt;mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7&gt;
/// 0     &gt; S. 0:0(0) ack 1 &lt;mss 1440,sackOK,TS val * ecr 100,nop,wscale *&gt;
/// +.01  &lt; . 1:1(0) ack 1 win 502
/// +0    app accept
/// </code>
/// <c>&lt; icmp too-big MTU</c> has a router on the path send us a Packet Too Big (IPv6) or
/// fragmentation needed (IPv4) quoting the last segment we sent, with <c>forged</c> (quoting a
/// source address not ours), <c>port N</c> (another local port) or <c>seq N</c> (another
/// relative sequence number) to make it one the stack must not believe.
/// <c>app batch</c> makes the segments of the lines after it one receive batch: no dispatch between
/// them, only after the last (what a runner does with the frames its device holds).
/// Outbound lines check flags, sequence range and length exactly; <c>ack</c>, <c>win</c> and
/// options only when given (<c>*</c> matches any value). Every segment we send must be expected:
/// one left over when the next line runs fails the script. Times of expected segments must match
/// within <see cref="Tolerance"/>.
/// </summary>
public sealed class TcpScript
{
    /// <summary>How far the time of a segment we send may be from the script's (packetdrill's default is 4 ms).</summary>
    public const long Tolerance = 5;

    public static readonly MacAddress OurMac = Golden.Mac("02:00:5e:77:00:02");
    public static readonly MacAddress PeerMac = Golden.Mac("02:00:5e:77:00:01");
    public static readonly Ipv4Address OurIpv4 = Golden.V4("169.254.77.2");
    public static readonly Ipv4Address PeerIpv4 = Golden.V4("169.254.77.1");
    public static readonly Ipv6Address OurIpv6 = NetworkInterface.LinkLocalFromMac(OurMac);
    public static readonly Ipv6Address PeerIpv6 = NetworkInterface.LinkLocalFromMac(PeerMac);

    private readonly bool _ipv6;
    private readonly List<(long Time, byte[] Frame)> _sent = [];
    private readonly byte[] _frame = new byte[TransmitQueue.SlotSize];
    private long _now;
    private long _lastLineTime;
    private int _line;
    private uint _peerIsn = 1_000_000;
    private SeqNumber? _ourIss;
    private ushort? _ourPort;
    private TcpHandle _connection;
    private readonly StreamPosition _stream = new();
    private bool _batch;
    private readonly ScriptSink _sink;
    private long _appWritten;
    private byte[]? _lastSent;

    /// <summary>The router that sends ICMP errors in <c>&lt; icmp</c> lines: on the link, an address of its own.</summary>
    public static readonly Ipv6Address RouterIpv6 = Golden.V6("fe80::99");
    public static readonly Ipv4Address RouterIpv4 = Golden.V4("169.254.77.99");

    public TcpScript(bool ipv6 = true, int receiveBuffer = 64 * 1024, int sendBuffer = 64 * 1024, ushort listenPort = 8080, ushort peerPort = 40000,
        int keepAliveSeconds = 0)
    {
        _ipv6 = ipv6;
        _sink = new ScriptSink(_stream);
        ListenPort = listenPort;
        PeerPort = peerPort;
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.TcpConnections = 4;
        configuration.TcpReceiveBuffer = receiveBuffer;
        configuration.TcpSendBuffer = sendBuffer;
        configuration.TcpKeepAliveSeconds = keepAliveSeconds;
        Interface = new NetworkInterface(OurMac, configuration);
        Assert.True(Interface.Tcp.Listen(listenPort));
        // The peer introduces itself (a neighbour solicitation or ARP request), so we know its MAC.
        Interface.Process(ipv6 ? Introduction6() : Introduction4(), new byte[TransmitQueue.SlotSize]);
    }

    public NetworkInterface Interface { get; }

    public ushort ListenPort { get; }

    public ushort PeerPort { get; }

    /// <summary>The connection the application holds (accepted or connected), none before.</summary>
    public TcpHandle Connection => _connection;

    /// <summary>The last segment of ours a line expected, as a whole frame.</summary>
    public byte[]? LastSent => _lastSent;

    /// <summary>Our initial sequence number, once seen.</summary>
    public SeqNumber OurIss => _ourIss ?? throw new InvalidOperationException("no SYN from us yet");

    /// <summary>Runs every line; a failure names the line and what differed.</summary>
    public TcpScript Run(string script)
    {
        foreach (string raw in script.Split('\n'))
        {
            _line++;
            string line = raw.Trim();
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0)
                line = line[..comment].Trim();
            if (line.Length == 0)
                continue;
            try
            {
                Execute(line);
            }
            catch (Exception error) when (error is not TcpScriptException)
            {
                throw new TcpScriptException($"line {_line}: {line}\n{error.Message}", error);
            }
        }
        return this;
    }

    /// <summary>Lets time pass to <paramref name="seconds"/> and fails on any segment we sent that no line expected.</summary>
    public TcpScript Finish(double seconds)
    {
        Advance((long)Math.Round(seconds * 1000));
        if (_sent.Count > 0)
            throw new TcpScriptException($"at the end: unexpected segment at {_sent[0].Time / 1000.0:0.000}: {Describe(_sent[0].Frame)}");
        return this;
    }

    private void Execute(string line)
    {
        if (line.StartsWith("peer isn ", StringComparison.Ordinal))
        {
            _peerIsn = uint.Parse(line[9..], CultureInfo.InvariantCulture);
            return;
        }
        var match = Regex.Match(line, @"^(\+?)([0-9]*\.?[0-9]+)\s+(.*)$");
        if (!match.Success)
            throw new TcpScriptException($"line {_line}: no time: {line}");
        double seconds = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        long time = (long)Math.Round(seconds * 1000) + (match.Groups[1].Value == "+" ? _lastLineTime : 0);
        _lastLineTime = time;
        string rest = match.Groups[3].Value;
        // In a batch (app batch) segments come in one after the other, as a runner takes the
        // frames its device holds, with no dispatch between: the next other line ends it.
        if (_batch && rest.StartsWith('<'))
        {
            Inject(rest[1..].Trim());
            return;
        }
        _batch = false;
        if (rest.StartsWith('>'))
        {
            Expect(time, rest[1..].Trim());
            return;
        }
        Advance(time);
        if (_sent.Count > 0)
            throw new TcpScriptException($"line {_line}: unexpected segment at {_sent[0].Time / 1000.0:0.000} before this line: {Describe(_sent[0].Frame)}");
        if (rest.StartsWith("< icmp ", StringComparison.Ordinal))
            InjectIcmpError(rest[7..].Trim());
        else if (rest.StartsWith('<'))
            Inject(rest[1..].Trim());
        else if (rest.StartsWith("app ", StringComparison.Ordinal))
            App(rest[4..].Trim());
        else
            throw new TcpScriptException($"line {_line}: expected <, > or app: {line}");
    }

    /// <summary>Moves the clock to <paramref name="time"/> a millisecond at a time, keeping what we send.</summary>
    private void Advance(long time)
    {
        // What the last line made due goes out now, even when the clock does not move.
        Poll();
        while (_now < time)
        {
            _now++;
            Poll();
        }
    }

    private void Poll()
    {
        for (int length; (length = Interface.Poll(_now, _frame)) > 0;)
            Keep(_frame.AsSpan(0, length));
    }

    private void Keep(ReadOnlySpan<byte> frame)
    {
        // Only TCP is the script's business; the peer's link layer answers our ARP requests and
        // neighbour solicitations, as a live host does whatever its TCP does.
        if (TryParseTcp(frame.ToArray(), out _, out _))
            _sent.Add((_now, frame.ToArray()));
        else if (AsksForPeer(frame.ToArray()))
            Interface.Process(_ipv6 ? PeerAdvertisement6() : PeerReply4(), new byte[TransmitQueue.SlotSize]);
    }

    /// <summary>An ARP request for the peer's IPv4 address, or a neighbour solicitation for its IPv6 one.</summary>
    private static bool AsksForPeer(byte[] frame)
    {
        if (!EthernetFrame.TryParse(frame, out var ethernet, out _))
            return false;
        if (ethernet.EtherType == EtherType.Arp)
            return ArpPacket.TryParse(ethernet.Payload, out var arp, out _) && arp.Operation == ArpOperation.Request
                && arp.TargetProtocolAddress == PeerIpv4;
        return ethernet.EtherType == EtherType.Ipv6 && Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _)
            && ip.NextHeader == IpProtocol.Icmpv6 && Icmpv6Packet.TryParse(ip.Payload, out var icmp, out _)
            && icmp.Type == Icmpv6Type.NeighborSolicitation && icmp.TryGetTargetAddress(out var target) && target == PeerIpv6;
    }

    /// <summary>The peer's solicited neighbour advertisement (RFC 4861 section 7.2.4), with its MAC.</summary>
    private static byte[] PeerAdvertisement6() =>
        NeighborDiscovery6(Icmpv6Type.NeighborAdvertisement, (byte)(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag), PeerIpv6, option: 2);

    /// <summary>
    /// A neighbour discovery message from the peer (RFC 4861 sections 4.3 and 4.4): its flags
    /// byte, the target address, and a link-layer address option (1 source, 2 target) with the peer's MAC.
    /// </summary>
    private static byte[] NeighborDiscovery6(Icmpv6Type type, byte flags, Ipv6Address target, byte option)
    {
        var body = new byte[4 + 16 + 8];
        body[0] = flags;
        target.CopyTo(body.AsSpan(4));
        body[20] = option;
        body[21] = 1;
        PeerMac.CopyTo(body.AsSpan(22));
        int icmpLength = 4 + body.Length;
        byte[] frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + icmpLength];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), PeerIpv6, OurIpv6, IpProtocol.Icmpv6, icmpLength, 255);
        ip.Payload[0] = (byte)type;
        body.CopyTo(ip.Payload.Slice(4));
        new Icmpv6Packet(ip.Payload).FillChecksum(PeerIpv6, OurIpv6);
        return frame;
    }

    private static byte[] PeerReply4()
    {
        byte[] frame = new byte[EthernetFrame.MinimumLength];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Arp);
        ArpPacket.Emit(frame.AsSpan(EthernetFrame.HeaderLength), ArpOperation.Reply, PeerMac, PeerIpv4, OurMac, OurIpv4);
        return frame;
    }

    private void Expect(long time, string expected)
    {
        Advance(time + Tolerance);
        if (_sent.Count == 0)
            throw new TcpScriptException($"line {_line}: expected {expected} at {time / 1000.0:0.000}, nothing was sent");
        var (sentAt, frame) = _sent[0];
        _sent.RemoveAt(0);
        _lastSent = frame;
        if (Math.Abs(sentAt - time) > Tolerance)
            throw new TcpScriptException($"line {_line}: expected at {time / 1000.0:0.000}, sent at {sentAt / 1000.0:0.000}: {Describe(frame)}");
        Assert.True(TryParseTcp(frame, out var segment, out var options));
        var spec = SegmentSpec.Parse(expected);
        if (segment.Flags != spec.Flags)
            Fail(expected, frame, "flags");
        SeqNumber seq = segment.SequenceNumber;
        if ((spec.Flags & TcpFlags.Syn) != 0 && _ourIss is null)
        {
            _ourIss = seq - (int)spec.Start;
            _ourPort = segment.SourcePort;
        }
        // Before any SYN of ours there is no ISS: sequence numbers are then absolute.
        int relative = seq - (_ourIss ?? new SeqNumber(0));
        if (relative != spec.Start || segment.Payload.Length != spec.Length)
            Fail(expected, frame, "sequence or length");
        if (spec.Ack is { } ack && segment.AcknowledgmentNumber - new SeqNumber(_peerIsn) != ack)
            Fail(expected, frame, "ack");
        if (spec.Window is { } window && segment.Window != window)
            Fail(expected, frame, "window");
        if (spec.Options is { } wanted && !OptionsMatch(wanted, options))
            Fail(expected, frame, "options");
        for (int i = 0; i < segment.Payload.Length; i++)
        {
            if (segment.Payload[i] != Pattern(_ourIss is { } s ? seq + i - s - 1 : 0))
                Fail(expected, frame, $"payload byte {i}");
        }
        _lastLineTime = time;
    }

    private void Fail(string expected, byte[] frame, string what) =>
        throw new TcpScriptException($"line {_line}: {what} differ\n  expected {expected}\n  sent     {Describe(frame)}");

    private void Inject(string text)
    {
        var spec = SegmentSpec.Parse(text);
        var options = spec.InboundOptions(_ourIss, _peerIsn);
        byte[] frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + TcpSegment.MaximumHeaderLength + spec.Length];
        var seq = new SeqNumber(_peerIsn) + (int)spec.Start;
        SeqNumber ack = spec.Ack is { } a ? (_ourIss ?? new SeqNumber(0)) + (int)a : new SeqNumber(0);
        int length = WriteSegment(frame, spec.DestinationPort ?? _ourPort ?? ListenPort, seq, ack, spec.Flags, (ushort)(spec.Window ?? 65535),
            in options, spec.Start, spec.Length, spec.BadChecksum);
        frame = frame[..Math.Max(EthernetFrame.MinimumLength, length)];
        byte[] reply = new byte[TransmitQueue.SlotSize];
        int replyLength = Interface.Process(frame, reply);
        if (replyLength > 0)
            Keep(reply.AsSpan(0, replyLength));
        Assert.Equal(Interface.Counters.Received, Interface.Counters.Accounted);
    }

    /// <summary>
    /// <c>too-big MTU [forged] [port N] [seq N]</c>: a Packet Too Big (RFC 4443 section 3.2) or a
    /// fragmentation needed (RFC 1191 section 4) from <see cref="RouterIpv6"/> or
    /// <see cref="RouterIpv4"/>, quoting the last segment we sent (as much as an ICMP error holds),
    /// altered as asked.
    /// </summary>
    private void InjectIcmpError(string text)
    {
        var match = Regex.Match(text, @"^too-big (\d+)((?: forged| port \d+| seq \d+)*)$");
        if (!match.Success)
            throw new TcpScriptException($"line {_line}: expected too-big MTU [forged] [port N] [seq N]: {text}");
        if (_lastSent is null)
            throw new TcpScriptException($"line {_line}: no segment of ours to quote yet");
        int mtu = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        string changes = match.Groups[2].Value;
        byte[] quoted = _lastSent[EthernetFrame.HeaderLength..];
        int ipHeader = _ipv6 ? Ipv6Packet.HeaderLength : Ipv4Packet.MinimumHeaderLength;
        if (changes.Contains(" forged", StringComparison.Ordinal))
        {
            if (_ipv6)
                Golden.V6("fe80::bad").CopyTo(quoted.AsSpan(Ipv6Packet.SourceOffset));
            else
                Golden.V4("169.254.77.66").CopyTo(quoted.AsSpan(Ipv4Packet.SourceOffset));
        }
        var port = Regex.Match(changes, @" port (\d+)");
        if (port.Success)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(quoted.AsSpan(ipHeader + TcpSegment.SourcePortOffset),
                ushort.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture));
        var seq = Regex.Match(changes, @" seq (\d+)");
        if (seq.Success)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(quoted.AsSpan(ipHeader + TcpSegment.SequenceNumberOffset),
                (OurIss + int.Parse(seq.Groups[1].Value, CultureInfo.InvariantCulture)).Value);

        byte[] frame;
        if (_ipv6)
        {
            // RFC 4443 section 2.4 (c): as much of the packet as keeps the error within 1280 bytes.
            int length = Math.Min(quoted.Length, Ipv6Packet.MinimumMtu - Ipv6Packet.HeaderLength - Icmpv6Packet.MinimumLength);
            int icmpLength = Icmpv6Packet.MinimumLength + length;
            frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + icmpLength];
            EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv6);
            var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), RouterIpv6, OurIpv6, IpProtocol.Icmpv6, icmpLength, 64);
            var icmp = Icmpv6Packet.Emit(ip.Payload, Icmpv6Type.PacketTooBig, 0, length);
            icmp.Mtu = (uint)mtu;
            quoted.AsSpan(0, length).CopyTo(icmp.Payload);
            icmp.FillChecksum(RouterIpv6, OurIpv6);
        }
        else
        {
            // RFC 1812 section 4.3.2.3: as much as keeps the error within 576 bytes.
            int length = Math.Min(quoted.Length, 576 - Ipv4Packet.MinimumHeaderLength - Icmpv4Packet.HeaderLength);
            int icmpLength = Icmpv4Packet.HeaderLength + length;
            frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + icmpLength)];
            EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv4);
            var ip = Ipv4Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), RouterIpv4, OurIpv4, IpProtocol.Icmp, icmpLength, 64);
            var icmp = Icmpv4Packet.Emit(ip.Payload, Icmpv4Type.DestinationUnreachable, Icmpv4Packet.FragmentationNeededCode, length);
            icmp.NextHopMtu = (ushort)mtu;
            quoted.AsSpan(0, length).CopyTo(icmp.Payload);
            icmp.FillChecksum();
        }
        byte[] reply = new byte[TransmitQueue.SlotSize];
        Assert.Equal(0, Interface.Process(frame, reply));
        Assert.Equal(Interface.Counters.Received, Interface.Counters.Accounted);
    }

    /// <summary>
    /// Writes, without allocating, a data segment from the peer into <paramref name="frame"/>:
    /// <paramref name="length"/> pattern bytes at relative sequence <paramref name="start"/>,
    /// acknowledging our SYN, with a timestamp. Returns the frame's length.
    /// </summary>
    public int BuildData(Span<byte> frame, long start, int length, uint timestamp)
    {
        var options = new TcpOptions { HasTimestamps = true, TimestampValue = timestamp };
        return WriteSegment(frame, ListenPort, new SeqNumber(_peerIsn) + (int)start, (_ourIss ?? new SeqNumber(0)) + 1, TcpFlags.Ack, 502,
            in options, start, length, badChecksum: false);
    }

    /// <summary>
    /// A SYN from another port of the peer's address, as a flood sends (hping3 -S): its answer,
    /// if any, goes nowhere (a spoofing flooder does not reply). Returns what the stack answered.
    /// </summary>
    public TcpFlags InjectForeignSyn(ushort sourcePort, uint sequence)
    {
        byte[] frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + TcpSegment.MinimumHeaderLength];
        var options = new TcpOptions();
        int length = WriteSegment(frame, ListenPort, new SeqNumber(sequence), new SeqNumber(0), TcpFlags.Syn, 1024, in options, 0, 0,
            badChecksum: false, sourcePort);
        frame = frame[..Math.Max(EthernetFrame.MinimumLength, length)];
        byte[] reply = new byte[TransmitQueue.SlotSize];
        int replyLength = Interface.Process(frame, reply);
        Assert.Equal(Interface.Counters.Received, Interface.Counters.Accounted);
        return replyLength > 0 && TryParseTcp(reply[..replyLength], out var segment, out _) ? segment.Flags : 0;
    }

    /// <summary>A whole frame from the peer: Ethernet, IP of the script's family, TCP with pattern bytes from <paramref name="start"/>; its length.</summary>
    private int WriteSegment(Span<byte> frame, ushort destinationPort, SeqNumber seq, SeqNumber ack, TcpFlags flags, ushort window,
        in TcpOptions options, long start, int length, bool badChecksum, ushort sourcePort = 0)
    {
        int optionsLength = TcpOptions.Length(in options);
        int tcpLength = TcpSegment.MinimumHeaderLength + optionsLength + length;
        int ipHeader = _ipv6 ? Ipv6Packet.HeaderLength : Ipv4Packet.MinimumHeaderLength;
        EthernetFrame.Emit(frame, OurMac, PeerMac, _ipv6 ? EtherType.Ipv6 : EtherType.Ipv4);
        var ipSpace = frame.Slice(EthernetFrame.HeaderLength);
        var segment = TcpSegment.Emit(ipSpace.Slice(ipHeader), sourcePort != 0 ? sourcePort : PeerPort, destinationPort, seq, ack, flags, window,
            optionsLength, length);
        TcpOptions.Write(segment.Options, in options);
        for (int i = 0; i < length; i++)
            segment.Payload[i] = Pattern(start + i - 1);
        if (_ipv6)
        {
            Ipv6Packet.Emit(ipSpace, PeerIpv6, OurIpv6, IpProtocol.Tcp, tcpLength, 64);
            segment.FillChecksum(PeerIpv6, OurIpv6);
        }
        else
        {
            Ipv4Packet.Emit(ipSpace, PeerIpv4, OurIpv4, IpProtocol.Tcp, tcpLength, 64);
            segment.FillChecksum(PeerIpv4, OurIpv4);
        }
        if (badChecksum)
            segment.Checksum ^= 0x5555;
        return EthernetFrame.HeaderLength + ipHeader + tcpLength;
    }

    private void App(string command)
    {
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (words[0])
        {
            case "accept":
                Assert.True(Interface.Tcp.TryAccept(ListenPort, out _connection), "no connection to accept");
                break;
            case "no-accept":
                Assert.False(Interface.Tcp.TryAccept(ListenPort, out _), "a connection was accepted");
                break;
            case "connect":
                var remote = _ipv6 ? new IpEndpoint(PeerIpv6, PeerPort) : new IpEndpoint(PeerIpv4, PeerPort);
                Assert.Equal(TcpConnectResult.Started, Interface.Tcp.Connect(remote, out _connection));
                break;
            case "read":
            {
                int count = int.Parse(words[1], CultureInfo.InvariantCulture);
                byte[] buffer = new byte[count + 1];
                int read = Interface.Tcp.Receive(_connection, buffer);
                Assert.True(read == count, $"read {read} bytes, expected {count}");
                for (int i = 0; i < read; i++)
                    Assert.True(buffer[i] == Pattern(_stream.Read + i), $"byte {_stream.Read + i} of the stream differs");
                _stream.Read += read;
                break;
            }
            case "write":
            {
                int count = int.Parse(words[1], CultureInfo.InvariantCulture);
                byte[] data = new byte[count];
                for (int i = 0; i < count; i++)
                    data[i] = Pattern(_appWritten + i);
                int taken = Interface.Tcp.Send(_connection, data);
                Assert.True(taken == count, $"send took {taken} of {count} bytes");
                _appWritten += count;
                break;
            }
            case "close":
                Interface.Tcp.Close(_connection);
                break;
            case "abort":
                Interface.Tcp.Abort(_connection);
                break;
            case "state":
                var state = Enum.Parse<TcpState>(words[1], ignoreCase: true);
                Assert.True(Interface.Tcp.StateOf(_connection) == state, $"state {Interface.Tcp.StateOf(_connection)}, expected {state}");
                break;
            case "events":
            {
                // app events Connected,Readable: exactly these are waiting, for our connection.
                var expected = words.Length > 1 ? Enum.Parse<TcpEvents>(words[1]) : TcpEvents.None;
                var taken = TcpEvents.None;
                while (Interface.Tcp.TryTakeEvent(out TcpHandle connection, out _, out var events))
                {
                    if (_connection.IsNone || connection == _connection)
                        taken |= events;
                }
                Assert.True(taken == expected, $"events {taken}, expected {expected}");
                break;
            }
            case "reset":
                Assert.True(Interface.Tcp.WasReset(_connection), "the connection was not reset");
                break;
            case "batch":
                _batch = true;
                break;
            case "sink":
                // app sink all | app sink N (takes N more bytes in all, then refuses) | app sink off
                if (words[1] == "off")
                {
                    Interface.Tcp.SetReceiveSink(_connection, null);
                    break;
                }
                _sink.Budget = words[1] == "all" ? long.MaxValue : int.Parse(words[1], CultureInfo.InvariantCulture);
                Interface.Tcp.SetReceiveSink(_connection, _sink);
                break;
            case "sunk":
            {
                // app sunk N: the sink has taken exactly N bytes of the stream so far.
                long count = long.Parse(words[1], CultureInfo.InvariantCulture);
                Assert.True(_sink.Taken == count, $"the sink took {_sink.Taken} bytes, expected {count}");
                break;
            }
            case "eof":
                Assert.True(Interface.Tcp.IsReceiveFinished(_connection), "the stream has not ended");
                break;
            default:
                throw new TcpScriptException($"line {_line}: unknown app command {command}");
        }
    }

    /// <summary>Stream byte <paramref name="index"/> (0 is the first after the SYN): a pattern, so misplaced data shows.</summary>
    public static byte Pattern(long index) => (byte)(index * 7 + (index >> 8));

    private bool OptionsMatch(string wanted, in TcpOptions actual)
    {
        foreach (string option in wanted.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = option.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool ok = words[0] switch
            {
                "nop" or "..." => true,
                "mss" => actual.HasMss && Matches(words[1], actual.Mss),
                "wscale" => actual.HasWindowScale && Matches(words[1], actual.WindowScale),
                "sackOK" => actual.SackPermitted,
                "TS" => actual.HasTimestamps && Matches(words[2], actual.TimestampValue) && Matches(words[4], actual.TimestampEcho),
                "sack" => SackMatches(words.Skip(1).ToArray(), actual),
                "none" => !actual.HasMss && !actual.HasWindowScale && !actual.SackPermitted && !actual.HasTimestamps && actual.SackBlockCount == 0,
                _ => throw new TcpScriptException($"unknown option {option}"),
            };
            if (!ok)
                return false;
        }
        // Options we send that the line does not name are a difference too.
        bool named(string kind) => wanted.Contains(kind, StringComparison.Ordinal);
        return (named("mss") || !actual.HasMss) && (named("wscale") || !actual.HasWindowScale)
            && (named("sackOK") || !actual.SackPermitted) && (named("TS") || !actual.HasTimestamps)
            && (named("sack ") || actual.SackBlockCount == 0);
    }

    private bool SackMatches(string[] blocks, in TcpOptions actual)
    {
        if (blocks.Length != actual.SackBlockCount)
            return false;
        for (int i = 0; i < blocks.Length; i++)
        {
            string[] edges = blocks[i].Split(':');
            var block = actual.GetSackBlock(i);
            if (block.Left - new SeqNumber(_peerIsn) != int.Parse(edges[0], CultureInfo.InvariantCulture)
                || block.Right - new SeqNumber(_peerIsn) != int.Parse(edges[1], CultureInfo.InvariantCulture))
                return false;
        }
        return true;
    }

    private static bool Matches(string wanted, uint value) => wanted == "*" || uint.Parse(wanted, CultureInfo.InvariantCulture) == value;

    private static bool TryParseTcp(byte[] frame, out TcpSegment segment, out TcpOptions options)
    {
        segment = default;
        options = default;
        if (!EthernetFrame.TryParse(frame, out var ethernet, out _))
            return false;
        Span<byte> payload;
        if (ethernet.EtherType == EtherType.Ipv6)
        {
            if (!Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _) || ip.NextHeader != IpProtocol.Tcp)
                return false;
            payload = ip.Payload;
            if (!TcpSegment.TryParse(payload, out segment, out _))
                return false;
            Assert.True(segment.VerifyChecksum(ip.Source, ip.Destination), "bad checksum on a segment we sent");
        }
        else if (ethernet.EtherType == EtherType.Ipv4)
        {
            if (!Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _) || ip.Protocol != IpProtocol.Tcp)
                return false;
            payload = ip.Payload;
            if (!TcpSegment.TryParse(payload, out segment, out _))
                return false;
            Assert.True(segment.VerifyChecksum(ip.Source, ip.Destination), "bad checksum on a segment we sent");
        }
        else
            return false;
        return TcpOptions.TryParse(segment.Options, out options, out _);
    }

    private string Describe(byte[] frame)
    {
        if (!TryParseTcp(frame, out var segment, out var options))
            return "(not TCP)";
        var text = new StringBuilder();
        text.Append(FlagText(segment.Flags)).Append(' ');
        int seq = _ourIss is { } iss ? segment.SequenceNumber - iss : (int)segment.SequenceNumber.Value;
        text.Append(CultureInfo.InvariantCulture, $"{seq}:{seq + segment.Payload.Length}({segment.Payload.Length})");
        if ((segment.Flags & TcpFlags.Ack) != 0)
            text.Append(CultureInfo.InvariantCulture, $" ack {segment.AcknowledgmentNumber - new SeqNumber(_peerIsn)}");
        text.Append(CultureInfo.InvariantCulture, $" win {segment.Window}");
        var parts = new List<string>();
        if (options.HasMss)
            parts.Add($"mss {options.Mss}");
        if (options.SackPermitted)
            parts.Add("sackOK");
        if (options.HasTimestamps)
            parts.Add($"TS val {options.TimestampValue} ecr {options.TimestampEcho}");
        if (options.HasWindowScale)
            parts.Add($"wscale {options.WindowScale}");
        if (options.SackBlockCount > 0)
            parts.Add("sack " + string.Join(' ', Enumerable.Range(0, options.SackBlockCount).Select(i =>
                $"{options.GetSackBlock(i).Left - new SeqNumber(_peerIsn)}:{options.GetSackBlock(i).Right - new SeqNumber(_peerIsn)}")));
        if (parts.Count > 0)
            text.Append(" <").Append(string.Join(',', parts)).Append('>');
        return text.ToString();
    }

    public static string FlagText(TcpFlags flags)
    {
        var text = new StringBuilder();
        if ((flags & TcpFlags.Syn) != 0)
            text.Append('S');
        if ((flags & TcpFlags.Fin) != 0)
            text.Append('F');
        if ((flags & TcpFlags.Rst) != 0)
            text.Append('R');
        if ((flags & TcpFlags.Psh) != 0)
            text.Append('P');
        if ((flags & TcpFlags.Ack) != 0)
            text.Append('.');
        return text.ToString();
    }

    private byte[] Introduction6() => NeighborDiscovery6(Icmpv6Type.NeighborSolicitation, 0, OurIpv6, option: 1);

    private static byte[] Introduction4()
    {
        byte[] frame = new byte[EthernetFrame.MinimumLength];
        EthernetFrame.Emit(frame, MacAddress.Broadcast, PeerMac, EtherType.Arp);
        ArpPacket.Emit(frame.AsSpan(EthernetFrame.HeaderLength), ArpOperation.Request, PeerMac, PeerIpv4, MacAddress.Zero, OurIpv4);
        return frame;
    }
}

public sealed class TcpScriptException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How much of the peer's stream the application has had, by reads and through the sink.</summary>
internal sealed class StreamPosition
{
    public long Read;
}

/// <summary>
/// The sink of <c>app sink</c>: takes bytes up to its budget and checks each is the stream's
/// next (<see cref="TcpScript.Pattern"/>), so data offered out of order or twice shows.
/// </summary>
internal sealed class ScriptSink(StreamPosition stream) : TcpReceiveSink
{
    public long Budget;

    public long Taken;

    public override int Offer(ReadOnlySpan<byte> data)
    {
        Assert.True(data.Length > 0, "the sink was offered nothing");
        int take = (int)Math.Min(data.Length, Budget);
        for (int i = 0; i < take; i++)
            Assert.True(data[i] == TcpScript.Pattern(stream.Read + i), $"the sink was offered a wrong byte {stream.Read + i} of the stream");
        stream.Read += take;
        Taken += take;
        Budget -= take;
        return take;
    }
}
