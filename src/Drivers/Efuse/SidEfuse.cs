using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Efuse;

/// <summary>
/// One e-fuse word read through the SID's PRCTL/RDKEY read-out (Linux drivers/nvmem/sunxi_sid.c
/// sun8i_sid_register_readout; U-Boot arch/arm/mach-sunxi/cpu_info.c sun8i_efuse_read). On the H3
/// and A64 the e-fuse copy at SID + 0x200 reads wrong until a word has been read this way once, so
/// the read-out is the path that is right on both (and the one QEMU models).
/// </summary>
public static class SidEfuse<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>Linux polls READ_START for at most 250 ms (readl_poll_timeout 100 us, 250000 us).</summary>
    public const long ReadTimeoutMilliseconds = 250;

    /// <summary>
    /// The word of the e-fuse copy that <paramref name="copy"/> addresses (an EFUSE word, e.g.
    /// <c>sid.ThsCalib0.Address</c>): its byte offset into the e-fuses is its distance from EFUSE[0].
    /// False when the controller does not finish the read in time.
    /// </summary>
    public static bool TryRead(Sid<TBus> sid, nuint copy, out uint value) =>
        TryReadAt(sid, (uint)(copy - sid.Efuse(0).Address), ReadTimeoutMilliseconds, out value);

    /// <summary>The e-fuse word at <paramref name="byteOffset"/> (EFUSE_ADDR is a byte offset: U-Boot passes 4 n for word n).</summary>
    public static bool TryReadAt(Sid<TBus> sid, uint byteOffset, long timeoutMilliseconds, out uint value)
    {
        sid.Prctl.Write(Hardware.Sid.Prctl.Zero.WithEfuseAddr(byteOffset).WithOpLock(Hardware.Sid.Prctl.OpLockValue.Unlock).WithReadStart(true));
        long deadline = TClock.Milliseconds + timeoutMilliseconds;
        while (sid.Prctl.Read().ReadStart)
        {
            if (TClock.Milliseconds > deadline)
            {
                sid.Prctl.Write(Hardware.Sid.Prctl.Zero);
                value = 0;
                return false;
            }
        }
        value = sid.Rdkey.Read().Raw;
        sid.Prctl.Write(Hardware.Sid.Prctl.Zero);
        return true;
    }
}
