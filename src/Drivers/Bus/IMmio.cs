namespace Unikernel.Drivers.Bus;

/// <summary>
/// The memory bus a peripheral is reached through. Drivers and the generated register
/// accessors are generic over it: on the board it is <see cref="DirectMmio"/> (plain volatile
/// loads and stores, which ilc inlines into one instruction), in host tests a simulated SoC
/// that records every access.
/// </summary>
public interface IMmio
{
    static abstract byte Read8(nuint address);

    static abstract void Write8(nuint address, byte value);

    static abstract ushort Read16(nuint address);

    static abstract void Write16(nuint address, ushort value);

    static abstract uint Read32(nuint address);

    static abstract void Write32(nuint address, uint value);

    static abstract ulong Read64(nuint address);

    static abstract void Write64(nuint address, ulong value);
}
