using Unikernel.Drivers.Bus;

namespace Unikernel.Tests.Drivers;

/// <summary>Test classes that use <see cref="RecordingBus"/> run one after the other: its state is static.</summary>
[CollectionDefinition("RecordingBus")]
public sealed class RecordingBusCollection;

/// <summary>
/// A simulated bus for one test class: registers are a dictionary, every access is logged,
/// and a hook can model hardware behaviour on reads. Static because the bus interface is
/// (drivers are generic over the bus type); classes using it join the "RecordingBus" collection.
/// </summary>
public struct RecordingBus : IWordBus<RecordingBus>
{
    public static readonly Dictionary<nuint, uint> Registers = [];
    public static readonly List<string> Log = [];
    public static Func<nuint, uint, uint>? OnRead;

    public static void Reset()
    {
        Registers.Clear();
        Log.Clear();
        OnRead = null;
    }

    public static uint Read32(nuint address)
    {
        uint value = Registers.GetValueOrDefault(address);
        if (OnRead is not null)
            value = OnRead(address, value);
        Log.Add($"read  0x{address:x8} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        Registers[address] = value;
        Log.Add($"write 0x{address:x8} <- 0x{value:x8}");
    }
}
