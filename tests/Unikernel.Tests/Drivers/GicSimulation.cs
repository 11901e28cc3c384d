using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// A simulated GICv2 with four CPU interfaces at the H3's addresses, after ARM IHI 0048B and
/// QEMU hw/intc/arm_gic.c: the SGI/PPI registers of the distributor (ISENABLER0 and friends,
/// IPRIORITYR0-7, ITARGETSR0-7) and the whole CPU interface are banked per core, the calling
/// core being <see cref="Cpu"/>; ITARGETSR0-7 read as the caller's own bit; GICD_SGIR makes an
/// SGI pending on its targets with the sender recorded; GICC_IAR hands the caller its most
/// urgent pending, enabled interrupt above the priority mask (SGIs with the sender in bits
/// 12:10) and makes it active; GICC_EOIR ends it. SPIs are pending when the test raises them
/// (<see cref="RaiseSpi"/>) and go to the first core of their target mask. Every access is
/// logged, prefixed with the core. Static, like <see cref="RecordingBus"/>: its users join that collection.
/// </summary>
public struct GicBus : IWordBus<GicBus>
{
    public const nuint Distributor = H3.Gicd.Base;
    public const nuint CpuInterface = H3.Gicc.Base;
    public const int Cpus = 4;
    public const int Lines = 160;

    /// <summary>The core making the accesses.</summary>
    public static int Cpu;

    public static readonly List<string> Log = [];

    private static readonly Dictionary<nuint, uint> Shared = [];
    private static readonly Dictionary<nuint, uint>[] Banked = [new(), new(), new(), new()];
    private static readonly bool[,] Enabled = new bool[Cpus, Lines];
    private static readonly bool[,] Pending = new bool[Cpus, Lines];
    private static readonly bool[,] Active = new bool[Cpus, Lines];
    /// <summary>Per target core and SGI: the senders' bits.</summary>
    private static readonly uint[,] SgiSources = new uint[Cpus, 16];
    private static bool _distributorOn;

    public static void Reset()
    {
        Cpu = 0;
        Log.Clear();
        Shared.Clear();
        foreach (var bank in Banked)
            bank.Clear();
        Array.Clear(Enabled);
        Array.Clear(Pending);
        Array.Clear(Active);
        Array.Clear(SgiSources);
        _distributorOn = false;
    }

    /// <summary>The SPI's line goes high: pending (the distributor routes it on acknowledge).</summary>
    public static void RaiseSpi(uint id) => Pending[0, id] = true;

    public static bool IsEnabled(int cpu, uint id) => Enabled[id < 32 ? cpu : 0, id];

    public static uint Read32(nuint address)
    {
        uint value = ReadRegister(address);
        Log.Add($"cpu{Cpu} read  0x{address:x8} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        Log.Add($"cpu{Cpu} write 0x{address:x8} <- 0x{value:x8}");
        WriteRegister(address, value);
    }

    private static bool IsBanked(nuint offset) =>
        offset is >= 0x080 and < 0x400 && (offset & 0x7F) == 0 || offset is >= 0x400 and < 0x420 || offset is >= 0x800 and < 0x820;

    private static uint ReadRegister(nuint address)
    {
        if (address >= CpuInterface)
        {
            nuint offset = address - CpuInterface;
            return offset == 0x00C ? AcknowledgeHighest() : Banked[Cpu].GetValueOrDefault(address);
        }
        nuint register = address - Distributor;
        switch (register)
        {
            case 0x004:
                return (uint)(Lines / 32 - 1) | (uint)(Cpus - 1) << 5; // GICD_TYPER 0x64, as QEMU's orangepi-pc
            case >= 0x800 and < 0x820:
                return 0x01010101u << Cpu;
            case >= 0x100 and < 0x200:
                return Bits(Enabled, register & 0x7F);
            case >= 0x200 and < 0x300:
                return Bits(Pending, register & 0x7F);
        }
        return IsBanked(register) ? Banked[Cpu].GetValueOrDefault(address) : Shared.GetValueOrDefault(address);
    }

    private static void WriteRegister(nuint address, uint value)
    {
        if (address >= CpuInterface)
        {
            if (address - CpuInterface == 0x010)
                Active[Cpu, value & 0x3FF] = false;
            else
                Banked[Cpu][address] = value;
            return;
        }
        nuint register = address - Distributor;
        switch (register)
        {
            case 0x000:
                _distributorOn = (value & 1) != 0;
                break;
            case >= 0x100 and < 0x180:
                SetBits(Enabled, register - 0x100, value, true);
                return;
            case >= 0x180 and < 0x200:
                SetBits(Enabled, register - 0x180, value, false);
                return;
            case >= 0x200 and < 0x280:
                SetBits(Pending, register - 0x200, value, true);
                return;
            case >= 0x280 and < 0x300:
                SetBits(Pending, register - 0x280, value, false);
                return;
            case >= 0x800 and < 0x820:
                return; // read-only
            case 0xF00:
                SendSgi(value);
                return;
        }
        if (IsBanked(register))
            Banked[Cpu][address] = value;
        else
            Shared[address] = value;
    }

    private static uint Bits(bool[,] state, nuint offset)
    {
        int first = (int)offset / 4 * 32;
        int cpu = first < 32 ? Cpu : 0;
        uint bits = 0;
        for (int i = 0; i < 32; i++)
        {
            bool set = state[cpu, first + i];
            if (first + i < 16 && ReferenceEquals(state, Pending))
                set = SgiSources[Cpu, first + i] != 0;
            if (set)
                bits |= 1u << i;
        }
        return bits;
    }

    private static void SetBits(bool[,] state, nuint offset, uint value, bool set)
    {
        int first = (int)offset / 4 * 32;
        int cpu = first < 32 ? Cpu : 0;
        for (int i = 0; i < 32; i++)
        {
            if ((value >> i & 1) == 0)
                continue;
            if (first + i < 16 && ReferenceEquals(state, Pending))
                SgiSources[Cpu, first + i] = 0;
            else
                state[cpu, first + i] = set;
        }
    }

    private static void SendSgi(uint value)
    {
        uint sgi = value & 0xF;
        uint targets = (value >> 24 & 3) switch
        {
            0 => value >> 16 & 0xFF,
            1 => (1u << Cpus) - 1 & ~(1u << Cpu),
            2 => 1u << Cpu,
            _ => 0,
        };
        for (int target = 0; target < Cpus; target++)
        {
            if ((targets >> target & 1) != 0)
                SgiSources[target, sgi] |= 1u << Cpu;
        }
    }

    private static uint Priority(int cpu, uint id)
    {
        nuint address = Distributor + 0x400 + id / 4 * 4;
        uint word = id < 32 ? Banked[cpu].GetValueOrDefault(address) : Shared.GetValueOrDefault(address);
        return word >> (int)(8 * (id % 4)) & 0xFF;
    }

    private static uint SpiTargets(uint id) => Shared.GetValueOrDefault(Distributor + 0x800 + id / 4 * 4) >> (int)(8 * (id % 4)) & 0xFF;

    /// <summary>IHI 0048B 3.2: the most urgent pending, enabled, not active interrupt of the caller, priority below PMR.</summary>
    private static uint AcknowledgeHighest()
    {
        uint control = Banked[Cpu].GetValueOrDefault(CpuInterface);
        uint mask = Banked[Cpu].GetValueOrDefault(CpuInterface + 0x004) & 0xFF;
        if (!_distributorOn || (control & 1) == 0)
            return 1023;
        uint best = 1023, bestPriority = mask;
        for (uint id = 0; id < Lines; id++)
        {
            bool pending = id < 16 ? SgiSources[Cpu, id] != 0 : id < 32 ? Pending[Cpu, id] : Pending[0, id] && FirstTarget(id) == Cpu;
            if (!pending || !Enabled[id < 32 ? Cpu : 0, id] || Active[Cpu, id])
                continue;
            uint priority = Priority(Cpu, id);
            if (priority < bestPriority)
            {
                best = id;
                bestPriority = priority;
            }
        }
        if (best == 1023)
            return best;
        Active[Cpu, best] = true;
        if (best >= 16)
        {
            Pending[best < 32 ? Cpu : 0, best] = false;
            return best;
        }
        uint sources = SgiSources[Cpu, best];
        uint source = (uint)System.Numerics.BitOperations.TrailingZeroCount(sources);
        SgiSources[Cpu, best] = sources & ~(1u << (int)source);
        return best | source << 10;
    }

    private static int FirstTarget(uint id)
    {
        uint targets = SpiTargets(id);
        return targets == 0 ? -1 : System.Numerics.BitOperations.TrailingZeroCount(targets);
    }
}
