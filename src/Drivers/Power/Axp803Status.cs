namespace Unikernel.Drivers.Power;

/// <summary>
/// What an AXP803 request came to. The bus failures keep <see cref="RsbStatus"/>'s numbers, so an
/// RSB status converts by a cast (<see cref="Axp803StatusText.FromBus"/>).
/// </summary>
public enum Axp803Status : byte
{
    Ok = RsbStatus.Ok,
    BusNack = RsbStatus.Nack,
    BusError = RsbStatus.BusError,
    BusTimeout = RsbStatus.Timeout,
    BusLoadBusy = RsbStatus.LoadBusy,
    /// <summary>Register 0x03 does not identify an AXP803.</summary>
    WrongChipId,
    /// <summary>The voltage is outside the range the board allows for this rail (the board file's power section).</summary>
    OutsideSafeRange,
    /// <summary>The rail cannot produce this voltage at all (below its minimum or above its maximum).</summary>
    OutsideRailRange,
    /// <summary>The voltage lies between two of the rail's steps: the driver does not round.</summary>
    NotOnStep,
    /// <summary>The rail is a switch (DC1SW) with no voltage of its own.</summary>
    NoVoltageControl,
}

/// <summary>Words an <see cref="Axp803Status"/> for the boot log.</summary>
public static class Axp803StatusText
{
    public static Axp803Status FromBus(RsbStatus status) => (Axp803Status)status;

    public static ReadOnlySpan<byte> Describe(Axp803Status status) => status switch
    {
        Axp803Status.Ok => "ok"u8,
        Axp803Status.BusNack => "no acknowledge on the RSB"u8,
        Axp803Status.BusError => "RSB bus error"u8,
        Axp803Status.BusTimeout => "the RSB did not answer in time"u8,
        Axp803Status.BusLoadBusy => "the RSB controller was busy"u8,
        Axp803Status.WrongChipId => "not an AXP803 (chip ID)"u8,
        Axp803Status.OutsideSafeRange => "voltage outside the rail's safe range on this board"u8,
        Axp803Status.OutsideRailRange => "voltage the rail cannot produce"u8,
        Axp803Status.NotOnStep => "voltage not on one of the rail's steps"u8,
        Axp803Status.NoVoltageControl => "the rail is a switch without a voltage setting"u8,
        _ => "unknown status"u8,
    };
}
