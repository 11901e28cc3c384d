using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Storage;

/// <summary>
/// The SD card slot's pins on the H3 and A64: PF0-PF5 (D1, D0, CLK, CMD, D3, D2) in function 2
/// (SDC0), pulled up, drive level 2, as U-Boot board/sunxi/board.c mmc_pinmux_setup does for
/// SDC0. QEMU's PIO is a stub; real boards need it.
/// Read then Write rather than Modify: this runs in the first stage, where a lambda brings in
/// the delegate machinery (method tables, delegate objects, thunks) for no gain.
/// </summary>
public static class SdCardPins<TBus>
    where TBus : IMmio
{
    /// <summary>Port F in the PIO's port array (0 = A).</summary>
    private const int PortF = 5;

    public static void ConfigureSmhc0(Pio<TBus> pio)
    {
        var port = pio.Port(PortF);
        port.Cfg0.Write(port.Cfg0.Read().WithPin0(Pio.PinFunc.Func2).WithPin1(Pio.PinFunc.Func2).WithPin2(Pio.PinFunc.Func2)
            .WithPin3(Pio.PinFunc.Func2).WithPin4(Pio.PinFunc.Func2).WithPin5(Pio.PinFunc.Func2));
        port.Drv0.Write(port.Drv0.Read().WithPin0(Pio.Drive.Level2).WithPin1(Pio.Drive.Level2).WithPin2(Pio.Drive.Level2)
            .WithPin3(Pio.Drive.Level2).WithPin4(Pio.Drive.Level2).WithPin5(Pio.Drive.Level2));
        port.Pull0.Write(port.Pull0.Read().WithPin0(Pio.Pull.PullUp).WithPin1(Pio.Pull.PullUp).WithPin2(Pio.Pull.PullUp)
            .WithPin3(Pio.Pull.PullUp).WithPin4(Pio.Pull.PullUp).WithPin5(Pio.Pull.PullUp));
    }
}
