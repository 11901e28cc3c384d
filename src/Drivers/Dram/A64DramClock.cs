using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM clocks on the A64 (hardware/blocks/ccu-a64.yaml) in U-Boot's mctl_sys_init order
/// (arch/arm/mach-sunxi/dram_sunxi_dw.c, the SOCID_A64 branches): both DDR PLLs off, the DRAM
/// clock from PLL_DDR1 (U-Boot clock_set_pll11 in arch/arm/mach-sunxi/clock_sun6i.c; the A64
/// leaves PLL_DDR0 off), the MBUS clock and reset, the DRAM bus gate and reset.
/// </summary>
public readonly struct A64DramClock<TBus, TClock> : IDramClock
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>PLL_DDR1 = 24 MHz x N / M (A64 user manual 3.3.5.17; Linux ccu-sun50i-a64.c pll_ddr1_clk).</summary>
    private const uint OscillatorMhz = 24;

    /// <summary>MBUS = PLL_PERIPH0(2X) / 3 = 400 MHz (U-Boot MBUS_CLK_DEFAULT 0x81000002 for sun50i, set by clock_init_safe).</summary>
    private const uint MbusDivider = 3;

    /// <summary>
    /// PLL_LOCK_CTRL: one lock-detect enable per PLL, all on, old lock mode. Without it the LOCK
    /// bits of the A64's PLLs are not updated (U-Boot clock_init_safe writes GENMASK(12, 0) on
    /// sun50i before it waits for any lock).
    /// </summary>
    private const uint AllLockDetectors = 0x1FFF;

    /// <summary>ZQCR programmed and PIR.ZCAL run with the PHY init (U-Boot mctl_channel_init, SOCID_A64).</summary>
    public static DramZqCalibration ZqCalibration => DramZqCalibration.WithPhyInit;

    public static DramStatus Start(uint clockMhz)
    {
        var ccu = A64<TBus>.Ccu;

        // Everything off: MBUS gate and reset, the controller's bus gate and reset, both DDR PLLs.
        ccu.MbusClk.Write(ccu.MbusClk.Read().WithMbusSclkGating(false));
        ccu.MbusRst.Write(ccu.MbusRst.Read().WithMbusReset(false));
        ccu.BusClkGating0.Write(ccu.BusClkGating0.Read().WithDramGating(false));
        ccu.BusSoftRst0.Write(ccu.BusSoftRst0.Read().WithSdramRst(false));
        ccu.PllDdr0Ctrl.Write(ccu.PllDdr0Ctrl.Read().WithPllEnable(false));
        ccu.PllDdr1Ctrl.Write(ccu.PllDdr1Ctrl.Read().WithPllEnable(false));
        DramWait<TClock>.Settle(1);

        ccu.DramCfg.Write(ccu.DramCfg.Read().WithDramCtrRst(false));
        DramWait<TClock>.Settle(1);

        ccu.PllLockCtrl.Write(CcuA64.PllLockCtrl.Zero.WithLockEnable(AllLockDetectors));

        // The MBUS is clocked from PLL_PERIPH0, which U-Boot's clock_init_safe has running before
        // DRAM init; the boot ROM may not (its reset value has the enable bit clear).
        var periph0 = ccu.PllPeriph0Ctrl.Read();
        if (!periph0.PllEnable)
        {
            ccu.PllPeriph0Ctrl.Write(periph0.WithPllEnable(true));
            long periph0Deadline = DramWait<TClock>.Deadline();
            while (!ccu.PllPeriph0Ctrl.Read().Lock)
            {
                if (DramWait<TClock>.Expired(periph0Deadline))
                    return DramStatus.PllNoLock;
            }
        }

        // PLL_DDR1 at twice the DRAM clock, M = 1 (U-Boot clock_set_pll11: N = rate / 24 MHz,
        // 1344 MHz = 24 x 56 for the Pine64+'s 672 MHz). U-Boot waits for SDRPLL_UPD to clear;
        // the lock bit (A64 manual 3.3.5.17) says the output is stable.
        uint n = clockMhz * 2 / OscillatorMhz;
        ccu.PllDdr1Ctrl.Write(CcuA64.PllDdr1Ctrl.Zero
            .WithPllEnable(true).WithSdrpllUpd(true).WithPllFactorN(n - 1));
        long deadline = DramWait<TClock>.Deadline();
        while (true)
        {
            var pll = ccu.PllDdr1Ctrl.Read();
            if (!pll.SdrpllUpd && pll.Lock)
                break;
            if (DramWait<TClock>.Expired(deadline))
                return DramStatus.PllNoLock;
        }

        // DRAM clock = PLL_DDR1 / 1, applied by SDRCLK_UPD, which the hardware clears.
        ccu.DramCfg.Write(ccu.DramCfg.Read()
            .WithDramDivM(0).WithDramClkSrcSel(CcuA64.DramCfg.DramClkSrcSelValue.PllDdr1).WithSdrclkUpd(true));
        deadline = DramWait<TClock>.Deadline();
        while (ccu.DramCfg.Read().SdrclkUpd)
        {
            if (DramWait<TClock>.Expired(deadline))
                return DramStatus.Timeout;
        }

        // Everything on again, in reverse.
        ccu.BusSoftRst0.Write(ccu.BusSoftRst0.Read().WithSdramRst(true));
        ccu.BusClkGating0.Write(ccu.BusClkGating0.Read().WithDramGating(true));
        ccu.MbusRst.Write(ccu.MbusRst.Read().WithMbusReset(true));
        ccu.MbusClk.Write(CcuA64.MbusClk.Zero
            .WithMbusClkSrcSel(CcuA64.MbusClk.MbusClkSrcSelValue.PllPeriph02x)
            .WithMbusClkM(MbusDivider - 1).WithMbusSclkGating(true));
        ccu.DramCfg.Write(ccu.DramCfg.Read().WithDramCtrRst(true));
        DramWait<TClock>.Settle(1);
        return DramStatus.Ok;
    }
}
