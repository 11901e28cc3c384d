using System.Runtime;
using Unikernel.Boot.Image;
using Unikernel.Boot.Netboot;
using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Netboot;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The bootloader proper (on the Allwinner boards the second stage, in DRAM): banner, the
/// board's bring-up with a status line per step, Ethernet, then the network stack (link-local
/// IPv6, SLAAC, DHCPv4) with the upload service on TCP 1337; a good kernel is jumped to.
/// </summary>
internal static class Program
{
    /// <summary>Per connection; a large window keeps a fast uploader streaming (RFC 7323 window scaling).</summary>
    private const int ReceiveBuffer = 512 * 1024;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        Banner.Print();
        if (!Board.BringUp(out AddressRange dram) || !BoardNetwork.TryStart(out BoardNetwork network))
        {
            Board.AfterFatalError();
            return;
        }
        MacAddress mac = network.Mac;

        var configuration = NetworkConfiguration.Default;
        configuration.Dhcp = true;
        configuration.TcpConnections = 4;
        configuration.TcpReceiveBuffer = ReceiveBuffer;
        // Each boot differs: the counter's low bits at this point vary with PHY and DHCP timing.
        ulong entropy = GenericTimer.Counter ^ mac.Value << 16;
        configuration.Seed = (uint)entropy;
        configuration.TcpSecret0 ^= entropy;
        configuration.TcpSecret1 ^= entropy * 0x9E37_79B9_7F4A_7C15;
        var stack = new NetworkInterface(mac, configuration);
        StatusLine<Board>.Ok("IPv6 "u8);
        AddressText<Board>.Write(NetworkInterface.LinkLocalFromMac(mac));
        ConsoleText<Board>.WriteLine(" (link-local)"u8);

        var runner = new NetworkRunner<BoardNetwork>(network, stack);
        // The kernel must not overwrite the bootloader: its image and its RAM (heap, buffers, stack).
        ref readonly ImageLayout image = ref Kernel.Image;
        var forbidden = new AddressRange[]
        {
            new AddressRange(image.ImageStart, image.ImageEnd - image.ImageStart),
            new AddressRange(image.RamStart, image.RamEnd - image.RamStart),
        };
        var service = new NetbootService<PhysicalMemory, NetbootConsole<Board>>(stack, new KernelReceiver<PhysicalMemory>(dram, forbidden, default), default);
        if (!service.IsListening)
            Kernel.Panic("netboot: cannot listen on TCP port 1337"u8);
        ConsoleText<Board>.WriteLine("netboot: listening on TCP port 1337 (IPv6 and IPv4)"u8);

        while (true)
        {
            Board.Service();
            runner.Step<GenericTimerClock>();
            while (stack.TryTakeEvent(out var change))
                Report(change);
            if (service.Step(GenericTimerClock.Milliseconds))
            {
                runner.Step<GenericTimerClock>();
                network.Stop();
                Board.StartKernel((nuint)service.Receiver.LoadAddress, (nuint)service.Receiver.PayloadLength, (nuint)service.Receiver.EntryPoint);
            }
        }
    }

    private static void Report(in InterfaceEvent change)
    {
        switch (change.Kind)
        {
            case InterfaceEventKind.Ipv4Leased:
                StatusLine<Board>.Ok("IPv4 "u8);
                AddressText<Board>.Write(change.Address.MappedIpv4);
                ConsoleText<Board>.Write("/"u8);
                ConsoleText<Board>.WriteDecimal((ulong)change.PrefixLength);
                ConsoleText<Board>.WriteLine(" (DHCP)"u8);
                break;
            case InterfaceEventKind.Ipv6AddressAdded:
                StatusLine<Board>.Ok("IPv6 "u8);
                AddressText<Board>.Write(change.Address);
                ConsoleText<Board>.WriteLine(" (SLAAC)"u8);
                break;
            case InterfaceEventKind.Ipv4Lost:
                ConsoleText<Board>.WriteLine("network: the DHCP lease is gone"u8);
                break;
            case InterfaceEventKind.DuplicateAddress:
                ConsoleText<Board>.Write("network: duplicate address "u8);
                AddressText<Board>.Write(change.Address);
                ConsoleText<Board>.WriteLine(", dropped"u8);
                break;
        }
    }
}
