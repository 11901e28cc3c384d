using Unikernel.Drivers.Bus;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// A simulated bus modelled in 32-bit words, as the peripherals' register files are: an 8- or
/// 16-bit access reads or writes the word, a 64-bit one two words. A simulation implements only
/// <see cref="IMmio.Read32"/> and <see cref="IMmio.Write32"/>.
/// </summary>
public interface IWordBus<TSelf> : IMmio
    where TSelf : IWordBus<TSelf>
{
    static byte IMmio.Read8(nuint address) => (byte)TSelf.Read32(address);

    static void IMmio.Write8(nuint address, byte value) => TSelf.Write32(address, value);

    static ushort IMmio.Read16(nuint address) => (ushort)TSelf.Read32(address);

    static void IMmio.Write16(nuint address, ushort value) => TSelf.Write32(address, value);

    static ulong IMmio.Read64(nuint address) => TSelf.Read32(address) | (ulong)TSelf.Read32(address + 4) << 32;

    static void IMmio.Write64(nuint address, ulong value)
    {
        TSelf.Write32(address, (uint)value);
        TSelf.Write32(address + 4, (uint)(value >> 32));
    }
}
