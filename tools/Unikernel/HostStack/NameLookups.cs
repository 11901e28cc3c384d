using System.Text;
using Unikernel.Net;
using Unikernel.Net.Wire;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// `hoststack --resolve NAME`: an A and an AAAA lookup of each name once a DNS server is known,
/// each ending in one line, `resolved NAME (A): ADDR ...` or `resolve NAME (AAAA) failed: STATUS`.
/// A lookup that timed out or found no server is tried again a second later, three times at most.
/// </summary>
internal sealed class NameLookups
{
    private const int MaximumAttempts = 3;
    private const long RetryDelayMilliseconds = 1000;

    private readonly NetworkInterface _stack;
    private readonly Action<string> _say;
    private readonly List<Lookup> _lookups = [];

    public NameLookups(NetworkInterface stack, IEnumerable<string> names, Action<string> say)
    {
        _stack = stack;
        _say = say;
        foreach (string name in names)
        {
            _lookups.Add(new Lookup(name, DnsRecordType.A));
            _lookups.Add(new Lookup(name, DnsRecordType.Aaaa));
        }
    }

    /// <summary>Starts what is due, reports what ended.</summary>
    public void Run(long now)
    {
        foreach (var lookup in _lookups)
        {
            if (lookup.Done)
                continue;
            if (lookup.Query.IsNone)
            {
                if (_stack.Dns.ServerCount > 0 && now >= lookup.RetryAt
                    && _stack.Dns.TryStart(Encoding.ASCII.GetBytes(lookup.Name), lookup.Type, out var query))
                    lookup.Query = query;
                continue;
            }
            DnsStatus status = _stack.Dns.Status(lookup.Query);
            if (status == DnsStatus.Pending)
                continue;
            string type = lookup.Type == DnsRecordType.A ? "A" : "AAAA";
            if (status == DnsStatus.Resolved)
            {
                var addresses = new Ipv6Address[DnsResolver.MaximumAddresses];
                int count = _stack.Dns.CopyAddresses(lookup.Query, addresses);
                _say($"resolved {lookup.Name} ({type}): {string.Join(' ', addresses[..count].Select(Text))}");
                lookup.Done = true;
            }
            else
            {
                _say($"resolve {lookup.Name} ({type}) failed: {status}");
                lookup.Attempts++;
                bool retry = (status == DnsStatus.TimedOut || status == DnsStatus.NoServers) && lookup.Attempts < MaximumAttempts;
                lookup.Done = !retry;
                lookup.RetryAt = now + RetryDelayMilliseconds;
            }
            _stack.Dns.Close(lookup.Query);
            lookup.Query = DnsQuery.None;
        }
    }

    private static string Text(Ipv6Address address)
    {
        Span<char> text = stackalloc char[Ipv6Address.MaxFormattedLength];
        if (address.IsIpv4Mapped)
            return address.MappedIpv4.TryFormat(text, out int n) ? new string(text[..n]) : "?";
        return address.TryFormat(text, out int m) ? new string(text[..m]) : "?";
    }

    private sealed class Lookup(string name, DnsRecordType type)
    {
        public string Name { get; } = name;
        public DnsRecordType Type { get; } = type;
        public DnsQuery Query { get; set; }
        public int Attempts { get; set; }
        public long RetryAt { get; set; }
        public bool Done { get; set; }
    }
}
