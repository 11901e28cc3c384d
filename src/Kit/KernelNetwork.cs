using Unikernel.Boot;
using Unikernel.Net;
using Unikernel.Net.Wire;

namespace Unikernel.Kit;

/// <summary>
/// The board's Ethernet and the network stack on it, for a kernel: <see cref="Start"/> once,
/// then a loop of <see cref="Poll"/>, the kernel's own service steps on <see cref="Tcp"/> and
/// <see cref="Udp"/>, and <see cref="WaitForWork"/>:
/// <code>
/// if (!KernelNetwork.Start(KernelNetworkOptions.Default)) return;
/// KernelNetwork.Tcp.Listen(80);
/// while (true)
/// {
///     KernelNetwork.Poll();
///     Deadline next = service.Step();        // reads and writes sockets, says when it next has work
///     KernelNetwork.WaitForWork(next);
/// }
/// </code>
/// One network per kernel, on core 0 (the stack is not shared between cores). After
/// <see cref="Start"/> nothing here allocates.
/// </summary>
public static unsafe class KernelNetwork
{
    private static NetworkRunner<BoardNetwork>? s_runner;
    private static NetworkInterface? s_interface;
    private static bool s_interruptDriven;
    private static int s_receivedLastPoll;

    /// <summary>How long a wait lasts at most when the device has no interrupt wired and the loop polls it.</summary>
    private const long PollingMilliseconds = 1;

    /// <summary>
    /// Brings the board's Ethernet up (clocks, PHY, link; up to 5 s for the link) and the stack on
    /// it, with the addresses <paramref name="options"/> asks for, and prints them as the
    /// bootloader does (<c>[ OK ] IPv6 fe80::... (link-local)</c>). False after a status line
    /// saying why (no link, no device, <see cref="Machine.Start"/> not called or failed, already
    /// started, pools of no size). Allocates the pools (<see cref="KernelNetworkOptions"/>).
    /// </summary>
    public static bool Start(in KernelNetworkOptions options)
    {
        if (s_interface != null)
        {
            StatusLine<Board>.Fail("network: started already"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        if (!Machine.IsStarted)
        {
            StatusLine<Board>.Fail("network: Machine.Start first"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        if (options.TcpConnections <= 0 || options.TcpReceiveBuffer <= 0 || options.TcpSendBuffer <= 0 || options.TcpListeners <= 0
            || options.UdpSockets <= 0 || options.UdpQueueDepth <= 0
            || options.Ipv4 == Ipv4Source.Static && (options.StaticIpv4.IsUnspecified || options.StaticPrefixLength < 1 || options.StaticPrefixLength > 32))
        {
            StatusLine<Board>.Fail("network: bad options (a pool of no size, or a static IPv4 address without one or its prefix)"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        if (!BoardNetwork.TryStart(out BoardNetwork device))
            return false;
        MacAddress mac = device.Mac;

        var configuration = NetworkConfiguration.Default;
        configuration.TcpConnections = options.TcpConnections;
        configuration.TcpListeners = options.TcpListeners;
        configuration.TcpReceiveBuffer = options.TcpReceiveBuffer;
        configuration.TcpSendBuffer = options.TcpSendBuffer;
        configuration.UdpSockets = options.UdpSockets;
        configuration.UdpQueueDepth = options.UdpQueueDepth;
        switch (options.Ipv4)
        {
            case Ipv4Source.Dhcp:
                configuration.Dhcp = true;
                configuration.DhcpLastAddress = options.DhcpLastAddress;
                configuration.DhcpConflictDetection = options.DhcpConflictDetection;
                break;
            case Ipv4Source.LinkLocal:
                configuration.Ipv4Address = LinkLocalIpv4(mac);
                configuration.Ipv4PrefixLength = 16;
                break;
            case Ipv4Source.Static:
                configuration.Ipv4Address = options.StaticIpv4;
                configuration.Ipv4PrefixLength = options.StaticPrefixLength;
                configuration.Ipv4Gateway = options.StaticGateway;
                break;
        }
        // Each boot differs: the counter's low bits at this point vary with the PHY's timing (RFC 6528's secret).
        ulong entropy = GenericTimer.Counter ^ mac.Value << 16;
        configuration.Seed = (uint)entropy;
        configuration.TcpSecret0 ^= entropy;
        configuration.TcpSecret1 ^= entropy * 0x9E37_79B9_7F4A_7C15;
        var stack = new NetworkInterface(mac, configuration);
        s_interface = stack;
        s_runner = new NetworkRunner<BoardNetwork>(device, stack);

        StatusLine<Board>.Ok("IPv6 "u8);
        AddressText<Board>.Write(NetworkInterface.LinkLocalFromMac(mac));
        ConsoleText<Board>.WriteLine(" (link-local)"u8);
        if (options.Ipv4 == Ipv4Source.LinkLocal || options.Ipv4 == Ipv4Source.Static)
        {
            StatusLine<Board>.Ok("IPv4 "u8);
            AddressText<Board>.Write(configuration.Ipv4Address);
            ConsoleText<Board>.Write("/"u8);
            ConsoleText<Board>.WriteDecimal((ulong)configuration.Ipv4PrefixLength);
            ConsoleText<Board>.WriteLine(options.Ipv4 == Ipv4Source.LinkLocal ? " (link-local, from the MAC)"u8 : " (static)"u8);
        }

        uint interrupt = BoardNetwork.InterruptId;
        s_interruptDriven = interrupt != 0 && KernelInterrupts.Register(interrupt, &OnNetworkInterrupt);
        if (!s_interruptDriven && interrupt != 0)
        {
            StatusLine<Board>.Skip("network: the GIC does not manage the Ethernet's interrupt; polling"u8);
            ConsoleText<Board>.WriteLine();
        }
        return true;
    }

    /// <summary>True once <see cref="Start"/> has succeeded.</summary>
    public static bool IsStarted => s_interface != null;

    /// <summary>The stack (addresses, counters, neighbours); panics before <see cref="Start"/>.</summary>
    public static NetworkInterface Interface => s_interface ?? NotStarted();

    /// <summary>TCP: listen, accept, connect, send, receive, close, by handle (both families).</summary>
    public static TcpSocketSet Tcp => Interface.Tcp;

    /// <summary>UDP: bind, receive, send, by handle (both families).</summary>
    public static UdpSocketSet Udp => Interface.Udp;

    /// <summary>
    /// DNS: start a lookup (A or AAAA), poll, read its addresses, by handle; servers come from
    /// router advertisements (RDNSS) and DHCP (option 6), or <see cref="DnsResolver.AddServer"/>.
    /// </summary>
    public static DnsResolver Dns => Interface.Dns;

    /// <summary>The Ethernet's MAC address.</summary>
    public static MacAddress Mac => Interface.MacAddress;

    /// <summary>The link-local IPv6 address (fe80:: and the MAC's EUI-64).</summary>
    public static Ipv6Address LinkLocal => Interface.LinkLocalAddress;

    /// <summary>
    /// The link-local IPv4 address <see cref="Ipv4Source.LinkLocal"/> gives <paramref name="mac"/>:
    /// 169.254.(1 + the MAC's fifth byte mod 254).(its sixth byte), within RFC 3927 2.1's range.
    /// </summary>
    public static Ipv4Address LinkLocalIpv4(MacAddress mac)
    {
        ulong value = mac.Value;
        return new Ipv4Address(169, 254, (byte)(1 + (value >> 8 & 0xFF) % 254), (byte)(value & 0xFF));
    }

    /// <summary>
    /// One turn: the board's periodic duty, every frame waiting handled (replies sent), what the
    /// stack has due sent, address changes printed (SLAAC, DHCP). Returns the frames received.
    /// Cost: per frame, the stack's processing, no copy of its payload.
    /// </summary>
    public static int Poll()
    {
        NetworkRunner<BoardNetwork> runner = s_runner ?? NotStarted<NetworkRunner<BoardNetwork>>();
        Board.Service();
        int received = runner.Step<GenericTimerClock>();
        while (s_interface!.TryTakeEvent(out var change))
            InterfaceEventText<Board>.Write(change);
        s_receivedLastPoll = received;
        return received;
    }

    /// <summary>
    /// After <see cref="Poll"/> and the kernel's steps: sends what the steps queued, then sleeps in
    /// <c>wfi</c> until a frame arrives, <paramref name="next"/> (the kernel's own next work), or
    /// what the stack and the board have due, whichever is first. Returns at once if the last
    /// <see cref="Poll"/> received frames (more may be waiting). Where the device has no interrupt,
    /// sleeps a millisecond at most.
    /// </summary>
    public static void WaitForWork(Deadline next)
    {
        NetworkRunner<BoardNetwork> runner = s_runner ?? NotStarted<NetworkRunner<BoardNetwork>>();
        if (s_receivedLastPoll > 0)
            return;
        long now = GenericTimerClock.Milliseconds;
        runner.Flush(now);
        long wake = next.Milliseconds;
        long stack = s_interface!.NextPollAt;
        long board = Board.ServiceDueAt;
        wake = stack < wake ? stack : wake;
        wake = board < wake ? board : wake;
        if (wake <= now)
            return;
        if (!s_interruptDriven)
        {
            KernelInterrupts.WaitUntil(new Deadline(now + PollingMilliseconds < wake ? now + PollingMilliseconds : wake));
            return;
        }
        // The device's interrupt dropped, then one more look: a frame that came before the
        // acknowledgement is found now, one after it raises the interrupt again and wakes the sleep.
        BoardNetwork.AcknowledgeInterrupt();
        if (runner.Step<GenericTimerClock>() > 0)
            return;
        KernelInterrupts.WaitUntil(new Deadline(wake));
    }

    private static void OnNetworkInterrupt(uint id) => BoardNetwork.AcknowledgeInterrupt();

    private static NetworkInterface NotStarted() => NotStarted<NetworkInterface>();

    private static T NotStarted<T>() where T : class
    {
        Kernel.Panic("KernelNetwork used before KernelNetwork.Start"u8);
        return null!;
    }
}
