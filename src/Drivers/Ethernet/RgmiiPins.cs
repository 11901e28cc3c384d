using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// The A64's RGMII pins: PD8-PD13 and PD15-PD23 (RXD3-0, RXCK, RXCTL, TXD3-0, TXCK, TXCTL, CLKIN,
/// MDC, MDIO: Linux pinctrl-sun50i-a64.c) in function 4 (EMAC), drive level 3, no pull. Sources: Linux sun50i-a64.dtsi
/// rgmii_pins (the pin list, function "emac", drive-strength = 40, no bias; PD14 is RXERR, used
/// only by MII and RMII); U-Boot drivers/net/sun8i_emac.c parse_phy_pins (SUN8I_IOMUX = 4 on the
/// A64, 40 mA as SUN4I_PINCTRL_40_MA = 3, no pull unless the dts asks).
/// </summary>
public static class RgmiiPins<TBus>
    where TBus : IMmio
{
    /// <summary>Port D in the PIO's port array (0 = A).</summary>
    private const int PortD = 3;

    /// <summary>40 mA, the strongest of the four levels (Linux pinctrl-sunxi.c: level = mA / 10 - 1).</summary>
    private const Pio.Drive Drive40mA = Pio.Drive.Level3;

    public static void ConfigureA64(Pio<TBus> pio)
    {
        var port = pio.Port(PortD);
        port.Cfg1.Modify(r => r.WithPin8(Pio.PinFunc.Func4).WithPin9(Pio.PinFunc.Func4).WithPin10(Pio.PinFunc.Func4)
            .WithPin11(Pio.PinFunc.Func4).WithPin12(Pio.PinFunc.Func4).WithPin13(Pio.PinFunc.Func4).WithPin15(Pio.PinFunc.Func4));
        port.Cfg2.Modify(r => r.WithPin16(Pio.PinFunc.Func4).WithPin17(Pio.PinFunc.Func4).WithPin18(Pio.PinFunc.Func4)
            .WithPin19(Pio.PinFunc.Func4).WithPin20(Pio.PinFunc.Func4).WithPin21(Pio.PinFunc.Func4)
            .WithPin22(Pio.PinFunc.Func4).WithPin23(Pio.PinFunc.Func4));
        port.Drv0.Modify(r => r.WithPin8(Drive40mA).WithPin9(Drive40mA).WithPin10(Drive40mA).WithPin11(Drive40mA)
            .WithPin12(Drive40mA).WithPin13(Drive40mA).WithPin15(Drive40mA));
        port.Drv1.Modify(r => r.WithPin16(Drive40mA).WithPin17(Drive40mA).WithPin18(Drive40mA).WithPin19(Drive40mA)
            .WithPin20(Drive40mA).WithPin21(Drive40mA).WithPin22(Drive40mA).WithPin23(Drive40mA));
        port.Pull0.Modify(r => r.WithPin8(Pio.Pull.Disabled).WithPin9(Pio.Pull.Disabled).WithPin10(Pio.Pull.Disabled)
            .WithPin11(Pio.Pull.Disabled).WithPin12(Pio.Pull.Disabled).WithPin13(Pio.Pull.Disabled).WithPin15(Pio.Pull.Disabled));
        port.Pull1.Modify(r => r.WithPin16(Pio.Pull.Disabled).WithPin17(Pio.Pull.Disabled).WithPin18(Pio.Pull.Disabled)
            .WithPin19(Pio.Pull.Disabled).WithPin20(Pio.Pull.Disabled).WithPin21(Pio.Pull.Disabled)
            .WithPin22(Pio.Pull.Disabled).WithPin23(Pio.Pull.Disabled));
    }
}
