namespace Unikernel.Tool.HostStack;

/// <summary>What `unikernel hoststack` was asked for on its command line.</summary>
public sealed record HostStackOptions(string Tap)
{
    /// <summary>Our MAC address; null for one derived from the TAP's name.</summary>
    public string? Mac { get; init; }

    /// <summary>A static IPv4 address with its prefix, or "dhcp"; null for IPv6 only.</summary>
    public string? Ipv4 { get; init; }

    /// <summary>netem-style impairments on received frames, e.g. "loss 5%"; null for none.</summary>
    public string? Impairment { get; init; }

    /// <summary>false: uploads that are not kernel images are only counted, as the bench's lwIP sink does.</summary>
    public bool HashUploads { get; init; } = true;

    /// <summary>The link MTU, 1280 to 1500; 0 for Ethernet's 1500.</summary>
    public int Mtu { get; init; }

    /// <summary>Also a source on TCP port 19 sending each connection this many bytes; null for none.</summary>
    public long? SendBytes { get; init; }

    /// <summary>Names to look up (A and AAAA) once a DNS server is learnt.</summary>
    public IReadOnlyList<string> Resolve { get; init; } = [];

    /// <summary>true: TCP offloads on the TAP (<see cref="TapDevice"/>); false: one frame per read and per write, as lwIP's tapif and the bench's TAP limits.</summary>
    public bool Offload { get; init; } = true;
}
