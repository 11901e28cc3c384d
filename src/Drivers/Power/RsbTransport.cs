using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Power;

/// <summary>
/// The A64's reduced serial bus (R_RSB), the AXP803's bus on the Pine64+. Bring-up follows U-Boot
/// arch/arm/mach-sunxi/rsb.c rsb_init (pins, gate and reset, soft reset, 3 MHz clock, then the
/// I2C-to-RSB mode switch) and Linux drivers/bus/sunxi-rsb.c (transfer set-up and error bits);
/// Lichtso/UnikernelExperiments AllwinnerRSB.hpp ran the same sequence on a real Pine64+.
/// Transfers are polled: every wait has a deadline on <typeparamref name="TClock"/>.
/// </summary>
public static class RsbTransport<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>
    /// Linux gives a transfer 100 ms (wait_for_completion_io_timeout in _sunxi_rsb_run_xfer); a byte
    /// read at 3 MHz takes a few tens of microseconds, so only a dead bus gets near it.
    /// </summary>
    public const long TimeoutMilliseconds = 100;

    /// <summary>U-Boot rsb_set_clk: the RSB clock comes from the 24 MHz oscillator (through APB0).</summary>
    private const uint SourceHz = 24_000_000;

    /// <summary>The bus clock U-Boot and Linux (clock-frequency default) run the AXP803 at.</summary>
    public const uint BusHz = 3_000_000;

    /// <summary>RSB clock = source / (2 * (CK_DIV + 1)): 3 for 3 MHz (U-Boot rsb_set_clk).</summary>
    private const uint ClockDivider = SourceHz / BusHz / 2 - 1;

    /// <summary>SDA output delay: half the divider, at least one cycle (U-Boot rsb_set_clk cd_odly).</summary>
    private const uint OutputDelay = (ClockDivider >> 1) == 0 ? 1 : ClockDivider >> 1;

    /// <summary>R_PIO has only port L, as the block's port 0 (hardware/a64.yaml R_PIO).</summary>
    private const int PortL = 0;

    /// <summary>
    /// Opens R_PRCM's R_PIO and R_RSB gates and resets, puts PL0 (SCK) and PL1 (SDA) on the RSB
    /// (function 2, pulled up, drive level 2, as U-Boot rsb_cfg_io), soft-resets the controller,
    /// sets the 3 MHz clock and switches the PMIC from I2C to RSB mode.
    /// </summary>
    public static RsbStatus Initialize()
    {
        // U-Boot prcm_apb0_enable(PRCM_APB0_GATE_PIO | PRCM_APB0_GATE_RSB): gate, then release reset.
        var prcm = A64<TBus>.RPrcm;
        prcm.Apb0Gate.Write(prcm.Apb0Gate.Read().WithRPioGating(true).WithRRsbGating(true));
        prcm.Apb0Reset.Write(prcm.Apb0Reset.Read().WithRPioRst(true).WithRRsbRst(true));

        // Linux pinctrl-sun50i-a64-r.c: PL0 and PL1 function 2 is "s_rsb".
        var port = A64<TBus>.RPio.Port(PortL);
        port.Cfg0.Write(port.Cfg0.Read().WithPin0(Pio.PinFunc.Func2).WithPin1(Pio.PinFunc.Func2));
        port.Pull0.Write(port.Pull0.Read().WithPin0(Pio.Pull.PullUp).WithPin1(Pio.Pull.PullUp));
        port.Drv0.Write(port.Drv0.Read().WithPin0(Pio.Drive.Level2).WithPin1(Pio.Drive.Level2));

        // SOFT_RST clears itself when the reset is done (Linux sunxi_rsb_hw_init polls it).
        var rsb = A64<TBus>.RRsb;
        rsb.RsbCtrl.Write(Rsb.RsbCtrl.Zero.WithSoftRst(true));
        long deadline = Deadline();
        while (rsb.RsbCtrl.Read().SoftRst)
        {
            if (Expired(deadline))
                return RsbStatus.Timeout;
        }
        rsb.RsbCcr.Write(Rsb.RsbCcr.Zero.WithCkDiv(ClockDivider).WithCdOdly(OutputDelay));
        return SwitchToRsbMode();
    }

    /// <summary>
    /// Sends the mode switch: every AXP on the bus, still in I2C mode after power-on, takes value
    /// 0x7C in its register 0x3E as "speak RSB" (U-Boot rsb_set_device_mode, RSB_DMCR 0x807C3E00;
    /// Linux sunxi_rsb_init_device_mode with device address 0). DEVICE_START clears when it is sent.
    /// </summary>
    public static RsbStatus SwitchToRsbMode()
    {
        var rsb = A64<TBus>.RRsb;
        rsb.RsbDmcr.Write(Rsb.RsbDmcr.Zero.WithDeviceStart(true).WithModeRegAddr(Axp803.PmicMode.Address)
            .WithModeData((uint)Axp803.PmicMode.ModeValue.Rsb));
        long deadline = Deadline();
        while (rsb.RsbDmcr.Read().DeviceStart)
        {
            if (Expired(deadline))
                return RsbStatus.Timeout;
        }
        return AwaitTransfer();
    }

    /// <summary>
    /// SRTA: gives the device at <paramref name="hardwareAddress"/> its
    /// <paramref name="runtimeAddress"/> (Linux sunxi_rsb_init_device_mode's SRTA; U-Boot
    /// rsb_set_device_address). A device that is absent or not in RSB mode does not acknowledge.
    /// </summary>
    public static RsbStatus SetRuntimeAddress(ushort hardwareAddress, byte runtimeAddress)
    {
        var rsb = A64<TBus>.RRsb;
        rsb.RsbDar.Write(Rsb.RsbDar.Zero.WithDa(hardwareAddress).WithRta(runtimeAddress));
        rsb.RsbCmd.Write(Rsb.RsbCmd.Zero.WithCmd(Rsb.RsbCmd.CmdValue.Srta));
        return Start();
    }

    public static RsbStatus Read8(byte runtimeAddress, byte register, out byte value)
    {
        var status = Read(runtimeAddress, register, Rsb.RsbCmd.CmdValue.Rd8, out uint data);
        value = (byte)data;
        return status;
    }

    /// <summary>Two registers in one transfer: <paramref name="register"/> in the low byte, the next one in the high byte.</summary>
    public static RsbStatus Read16(byte runtimeAddress, byte register, out ushort value)
    {
        var status = Read(runtimeAddress, register, Rsb.RsbCmd.CmdValue.Rd16, out uint data);
        value = (ushort)data;
        return status;
    }

    public static RsbStatus Write8(byte runtimeAddress, byte register, byte value) =>
        Write(runtimeAddress, register, Rsb.RsbCmd.CmdValue.Wr8, value);

    /// <summary>Two registers in one transfer: the low byte to <paramref name="register"/>, the high byte to the next.</summary>
    public static RsbStatus Write16(byte runtimeAddress, byte register, ushort value) =>
        Write(runtimeAddress, register, Rsb.RsbCmd.CmdValue.Wr16, value);

    /// <summary>Linux sunxi_rsb_read: run-time address, register address, command; the data after TRANS_OVER.</summary>
    private static RsbStatus Read(byte runtimeAddress, byte register, Rsb.RsbCmd.CmdValue command, out uint data)
    {
        var rsb = A64<TBus>.RRsb;
        rsb.RsbDar.Write(Rsb.RsbDar.Zero.WithRta(runtimeAddress));
        rsb.RsbAr.Write(new Rsb.RsbAr(register));
        rsb.RsbCmd.Write(Rsb.RsbCmd.Zero.WithCmd(command));
        var status = Start();
        data = status == RsbStatus.Ok ? rsb.RsbData.Read().Raw : 0;
        return status;
    }

    /// <summary>Linux sunxi_rsb_write: run-time address, register address, data, command.</summary>
    private static RsbStatus Write(byte runtimeAddress, byte register, Rsb.RsbCmd.CmdValue command, uint data)
    {
        var rsb = A64<TBus>.RRsb;
        rsb.RsbDar.Write(Rsb.RsbDar.Zero.WithRta(runtimeAddress));
        rsb.RsbAr.Write(new Rsb.RsbAr(register));
        rsb.RsbData.Write(new Rsb.RsbData(data));
        rsb.RsbCmd.Write(Rsb.RsbCmd.Zero.WithCmd(command));
        return Start();
    }

    /// <summary>Starts the transfer set up in DAR/AR/DATA/CMD; refuses while one is still running (Linux: -EBUSY).</summary>
    private static RsbStatus Start()
    {
        var rsb = A64<TBus>.RRsb;
        if (rsb.RsbCtrl.Read().StartTrans)
            return RsbStatus.LoadBusy;
        rsb.RsbCtrl.Write(Rsb.RsbCtrl.Zero.WithStartTrans(true));
        return AwaitTransfer();
    }

    /// <summary>
    /// Polls RSB_STAT until the transfer is over or failed, then clears what it saw (write the value
    /// back, U-Boot rsb_await_trans). On a timeout the transfer is aborted (Linux, on its timeout).
    /// </summary>
    private static RsbStatus AwaitTransfer()
    {
        var rsb = A64<TBus>.RRsb;
        long deadline = Deadline();
        while (true)
        {
            var stat = rsb.RsbStat.Read();
            RsbStatus result;
            if (stat.LoadBsy)
                result = RsbStatus.LoadBusy;
            else if (stat.TransErr)
                result = stat.TransErrAck ? RsbStatus.Nack : RsbStatus.BusError;
            else if (stat.TransOver)
                result = RsbStatus.Ok;
            else if (Expired(deadline))
            {
                rsb.RsbCtrl.Write(Rsb.RsbCtrl.Zero.WithAbortTrans(true));
                rsb.RsbStat.Clear(rsb.RsbStat.Read());
                return RsbStatus.Timeout;
            }
            else
                continue;
            rsb.RsbStat.Clear(stat);
            return result;
        }
    }

    private static long Deadline() => TClock.Milliseconds + TimeoutMilliseconds;

    private static bool Expired(long deadline) => TClock.Milliseconds > deadline;
}
