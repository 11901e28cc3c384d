namespace Unikernel.Netboot.Web;

/// <summary>
/// What the bootloader's web page tells of the board it runs on, given by the board's program
/// (src/Boot); a struct type argument, so the calls are direct.
/// </summary>
public interface IWebPageBoard
{
    /// <summary>The board's name (<c>orangepi-pc</c>).</summary>
    static abstract ReadOnlySpan<byte> Name { get; }

    /// <summary>The SoC (<c>Allwinner H3</c>).</summary>
    static abstract ReadOnlySpan<byte> Soc { get; }

    /// <summary>The CPU and the state the program runs in.</summary>
    static abstract ReadOnlySpan<byte> Cpu { get; }

    /// <summary>The SoC's temperature in millidegrees Celsius; false where the board has no sensor (or it did not answer).</summary>
    static abstract bool TryReadTemperature(out int millicelsius);
}
