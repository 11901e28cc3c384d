namespace Unikernel.Drivers.Bus;

/// <summary>
/// A device with 8-bit registers behind a serial bus (the AXP803 PMIC behind RSB or I2C).
/// Generated device types are generic over it, as memory-mapped ones are over <see cref="IMmio"/>.
/// </summary>
public interface IRegisterTransport8
{
    static abstract byte Read8(byte register);

    static abstract void Write8(byte register, byte value);
}
