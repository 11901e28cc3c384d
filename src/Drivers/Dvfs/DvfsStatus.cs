namespace Unikernel.Drivers.Dvfs;

/// <summary>How an operating point change ended. On any failure the CPU runs at a safe pair: never a frequency above what the voltage allows.</summary>
public enum DvfsStatus : byte
{
    Ok,

    /// <summary>No operating point with that index; nothing was changed.</summary>
    NoSuchOperatingPoint,

    /// <summary>The supply refused or failed the voltage. Raising: the frequency was not touched. Lowering: the frequency is already the new, lower one.</summary>
    SupplyFailed,

    /// <summary>PLL_CPUX did not report lock in time; the CPU was left on the 24 MHz oscillator.</summary>
    PllNoLock,

    /// <summary>The supply reads back another voltage than the operating point's.</summary>
    VoltageMismatch,

    /// <summary>The CPU clock computed from the registers read back is not the one programmed.</summary>
    FrequencyMismatch,
}
