namespace Unikernel.Net;

/// <summary>
/// Names one bound socket of a <see cref="UdpSocketSet"/>: its slot and the slot's generation,
/// so a handle kept after <see cref="UdpSocketSet.Close"/> does not reach the next socket bound
/// in its slot. The default handle names none.
/// </summary>
public readonly struct UdpHandle : IEquatable<UdpHandle>
{
    private readonly int _value;

    internal UdpHandle(int slot, ushort generation)
    {
        _value = generation << 8 | slot;
    }

    /// <summary>No socket: what a field holds before a bind.</summary>
    public static UdpHandle None => default;

    public bool IsNone => _value == 0;

    internal int Slot => _value & 0xFF;

    internal ushort Generation => (ushort)(_value >> 8);

    public bool Equals(UdpHandle other) => _value == other._value;

    public override bool Equals(object? obj) => obj is UdpHandle other && Equals(other);

    public override int GetHashCode() => _value;

    public static bool operator ==(UdpHandle left, UdpHandle right) => left._value == right._value;

    public static bool operator !=(UdpHandle left, UdpHandle right) => left._value != right._value;
}
