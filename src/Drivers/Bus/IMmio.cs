namespace Unikernel.Drivers.Bus;

/// <summary>
/// The memory bus a peripheral is reached through. Drivers are generic over it: on the board
/// it is <see cref="DirectMmio"/> (plain volatile loads and stores, which ilc inlines into one
/// instruction), in host tests a simulated SoC that records every access.
/// </summary>
public interface IMmio
{
    static abstract uint Read32(nuint address);

    static abstract void Write32(nuint address, uint value);
}
