using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net.Wire;

namespace Unikernel.Tests.Drivers;

[Collection("EmacBus")]
public sealed class EmacSidMacTests
{
    // QEMU's default SID (allwinner-sid.identifier 02c00081-1111-2222-3333-000044556677).
    private static readonly uint[] QemuSid = [0x02c00081, 0x11112222, 0x33330000, 0x44556677];

    public EmacSidMacTests()
    {
        EmacBus.Reset();
        TestClock.Now = 0;
    }

    /// <summary>CRC-32 the textbook way (table-free, reflected), independent of the driver's.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = ~0u;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
        return ~crc;
    }

    [Fact]
    public void The_reference_crc_is_the_ieee_one() => Assert.Equal(0xCBF43926u, Crc32("123456789"u8));

    [Fact]
    public void The_address_follows_u_boots_rule_for_the_h3_and_a64()
    {
        var bytes = new byte[12];
        for (int i = 0; i < 3; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), QemuSid[i + 1]);
        uint hash = Crc32(bytes);
        ulong expected = 0x02UL << 40 | 0x81UL << 32 | hash;
        Assert.Equal(new MacAddress(expected), Mac(QemuSid));
    }

    [Fact]
    public void The_address_is_stable_locally_administered_and_unicast()
    {
        MacAddress first = Mac(QemuSid);
        MacAddress second = Mac([.. QemuSid]);
        Assert.Equal(first, second);
        Assert.True(first.IsLocallyAdministered);
        Assert.True(first.IsUnicast);
        Assert.NotEqual(MacAddress.Zero, first);
    }

    [Fact]
    public void Another_chip_gets_another_address()
    {
        uint[] other = [.. QemuSid];
        other[2] ^= 1;
        Assert.NotEqual(Mac(QemuSid), Mac(other));
        Assert.True(Mac(other).IsLocallyAdministered);
    }

    [Fact]
    public void An_empty_chip_id_gives_no_address() =>
        Assert.Equal(MacAddress.Zero, Mac([0, 1, 2, 3]));

    [Fact]
    public void The_chip_id_is_read_through_prctl_and_rdkey()
    {
        var sid = new uint[4];
        Assert.True(SidMacAddress.TryReadChipId<EmacBus, TestClock>(new Sid<EmacBus>(EmacBus.SidBase), sid));
        Assert.Equal(QemuSid, sid);
        Assert.Contains("write SID+0x040 <- 0x000cac02", EmacBus.Log); // word 3: EFUSE_ADDR 0xc, OP_LOCK 0xac, READ_START
    }

    /// <summary>The address as the board hands it to the stack (BoardEmac): the same 48-bit number.</summary>
    private static MacAddress Mac(ReadOnlySpan<uint> sid) => new(SidMacAddress.FromChipId(sid).Value);
}
