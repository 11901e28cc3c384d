using Unikernel.Netboot.Web;

namespace Unikernel.Boot.Netboot;

/// <summary>What the web page shows of this board (<see cref="IWebPageBoard"/>), from the board's own members.</summary>
internal struct WebPageBoard : IWebPageBoard
{
    public static ReadOnlySpan<byte> Name => Board.Name;

    public static ReadOnlySpan<byte> Soc => Board.Soc;

    public static ReadOnlySpan<byte> Cpu => Board.Cpu;

    public static bool TryReadTemperature(out int millicelsius) => Board.ReadTemperature(out millicelsius) == Drivers.Thermal.ThermalStatus.Ok;
}
