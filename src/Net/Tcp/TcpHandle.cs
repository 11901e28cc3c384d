namespace Unikernel.Net;

/// <summary>
/// Names one connection of a <see cref="TcpSocketSet"/>: its slot and the slot's generation, so
/// a handle to a connection that is gone does not reach the next one made in its slot. The
/// default handle names none.
/// </summary>
public readonly struct TcpHandle : IEquatable<TcpHandle>
{
    private readonly int _value;

    internal TcpHandle(int slot, ushort generation)
    {
        _value = generation << 8 | slot;
    }

    /// <summary>No connection: what a socket field holds before an accept or connect.</summary>
    public static TcpHandle None => default;

    public bool IsNone => _value == 0;

    internal int Slot => _value & 0xFF;

    internal ushort Generation => (ushort)(_value >> 8);

    public bool Equals(TcpHandle other) => _value == other._value;

    public override bool Equals(object? obj) => obj is TcpHandle other && Equals(other);

    public override int GetHashCode() => _value;

    public static bool operator ==(TcpHandle left, TcpHandle right) => left._value == right._value;

    public static bool operator !=(TcpHandle left, TcpHandle right) => left._value != right._value;
}
