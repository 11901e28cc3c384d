using Unikernel.Net;

namespace Unikernel.Boot;

/// <summary>
/// What the network stack tells its program (<see cref="NetworkInterface.TryTakeEvent"/>) as
/// console lines: a lease, a SLAAC address, a lost lease, a duplicate address. The netboot
/// program and the kit's network print them alike.
/// </summary>
internal static class InterfaceEventText<TConsole> where TConsole : IConsole
{
    public static void Write(in InterfaceEvent change)
    {
        switch (change.Kind)
        {
            case InterfaceEventKind.Ipv4Leased:
                StatusLine<TConsole>.Ok("IPv4 "u8);
                AddressText<TConsole>.Write(change.Address.MappedIpv4);
                ConsoleText<TConsole>.Write("/"u8);
                ConsoleText<TConsole>.WriteDecimal((ulong)change.PrefixLength);
                ConsoleText<TConsole>.WriteLine(" (DHCP)"u8);
                break;
            case InterfaceEventKind.Ipv6AddressAdded:
                StatusLine<TConsole>.Ok("IPv6 "u8);
                AddressText<TConsole>.Write(change.Address);
                ConsoleText<TConsole>.WriteLine(" (SLAAC)"u8);
                break;
            case InterfaceEventKind.Ipv4Lost:
                ConsoleText<TConsole>.WriteLine("network: the DHCP lease is gone"u8);
                break;
            case InterfaceEventKind.DuplicateAddress:
                ConsoleText<TConsole>.Write("network: duplicate address "u8);
                AddressText<TConsole>.Write(change.Address);
                ConsoleText<TConsole>.WriteLine(", dropped"u8);
                break;
        }
    }
}
