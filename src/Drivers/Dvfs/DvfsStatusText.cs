namespace Unikernel.Drivers.Dvfs;

/// <summary>Words a <see cref="DvfsStatus"/> for the boot log (UTF-8: no string objects in the image).</summary>
public static class DvfsStatusText
{
    public static ReadOnlySpan<byte> Describe(DvfsStatus status) => status switch
    {
        DvfsStatus.Ok => "ok"u8,
        DvfsStatus.NoSuchOperatingPoint => "no such operating point"u8,
        DvfsStatus.SupplyFailed => "the CPU supply refused or failed the voltage"u8,
        DvfsStatus.PllNoLock => "PLL_CPUX did not lock; the CPU runs from the 24 MHz oscillator"u8,
        DvfsStatus.VoltageMismatch => "the CPU supply reads back another voltage"u8,
        DvfsStatus.FrequencyMismatch => "PLL_CPUX reads back another frequency"u8,
        _ => "unknown status"u8,
    };
}
