namespace Unikernel.Net;

/// <summary>
/// Names one lookup of a <see cref="DnsResolver"/>: its slot and the slot's generation, so a
/// handle kept after <see cref="DnsResolver.Close"/> does not reach the next lookup started in
/// its slot. The default handle names none.
/// </summary>
public readonly struct DnsQuery : IEquatable<DnsQuery>
{
    private readonly int _value;

    internal DnsQuery(int slot, ushort generation)
    {
        _value = generation << 8 | slot;
    }

    public static DnsQuery None => default;

    public bool IsNone => _value == 0;

    internal int Slot => _value & 0xFF;

    internal ushort Generation => (ushort)(_value >> 8);

    public bool Equals(DnsQuery other) => _value == other._value;

    public override bool Equals(object? obj) => obj is DnsQuery other && Equals(other);

    public override int GetHashCode() => _value;

    public static bool operator ==(DnsQuery left, DnsQuery right) => left._value == right._value;

    public static bool operator !=(DnsQuery left, DnsQuery right) => left._value != right._value;
}
