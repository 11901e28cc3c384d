using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// A stable MAC address for a board without one, from the SoC's chip ID (SID words 0-3), by
/// U-Boot's rule for the H3, A64 and later (board/sunxi/board.c, setup_environment):
/// <list type="number">
/// <item>h = CRC-32 (IEEE, as zlib's crc32(0, ...)) of SID words 1, 2 and 3 as 12 little-endian bytes;</item>
/// <item>if the low 24 bits of h are all zero, set bit 23 (the NIC-specific bytes must not be 0);</item>
/// <item>address = 02 : (word 0 &amp; 0xFF) : h[31:24] : h[23:16] : h[15:8] : h[7:0].</item>
/// </list>
/// 0x02 in the first byte: locally administered, unicast. So the board gets the same address as
/// under U-Boot (its first Ethernet interface), and the same on every boot.
/// </summary>
public static class SidMacAddress
{
    /// <summary>Byte 0 of the address: the locally-administered bit set, the multicast bit clear.</summary>
    private const ulong LocallyAdministeredUnicast = 0x02;

    /// <summary>The bit U-Boot sets when the hash's low 24 bits are zero.</summary>
    private const uint NonZeroNicBit = 0x80_0000;

    /// <summary>The address for chip ID <paramref name="sid"/> (4 words); zero if the ID is unusable (word 0 zero, as U-Boot checks).</summary>
    public static EthernetAddress FromChipId(ReadOnlySpan<uint> sid)
    {
        if (sid.Length < 4 || sid[0] == 0)
            return default;
        uint hash = Crc32.Initial;
        for (int word = 1; word < 4; word++)
        {
            uint value = sid[word];
            for (int shift = 0; shift < 32; shift += 8)
                hash = Crc32.Update(hash, (byte)(value >> shift));
        }
        hash = Crc32.Finish(hash);
        if ((hash & 0xFF_FFFF) == 0)
            hash |= NonZeroNicBit;
        ulong address = LocallyAdministeredUnicast << 40 | (ulong)(sid[0] & 0xFF) << 32 | hash;
        return new EthernetAddress(address);
    }

    /// <summary>
    /// Reads chip ID words 0-3 through the SID's PRCTL/RDKEY read-out (the H3 path, and what
    /// QEMU models; the e-fuse copy at 0x200 is not valid until read this way). False if a read
    /// does not complete within <paramref name="timeoutMilliseconds"/>.
    /// </summary>
    public static bool TryReadChipId<TBus, TClock>(Sid<TBus> sidBlock, Span<uint> sid, long timeoutMilliseconds = 10)
        where TBus : IMmio
        where TClock : IMonotonicClock
    {
        for (int word = 0; word < 4 && word < sid.Length; word++)
        {
            if (!Efuse.SidEfuse<TBus, TClock>.TryReadAt(sidBlock, (uint)word * sizeof(uint), timeoutMilliseconds, out sid[word]))
                return false;
        }
        return true;
    }

    /// <summary>CRC-32 as in IEEE 802.3 and zlib: reflected polynomial 0xEDB88320, bitwise (no table: it runs once at boot).</summary>
    private static class Crc32
    {
        public const uint Initial = 0xFFFF_FFFF;
        private const uint ReflectedPolynomial = 0xEDB8_8320;

        public static uint Update(uint crc, byte value)
        {
            crc ^= value;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            return crc;
        }

        public static uint Finish(uint crc) => ~crc;
    }
}
