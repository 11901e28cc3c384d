using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Tests.Drivers;

/// <summary>Test classes that use <see cref="RsbBus"/> run one after the other: its state is static.</summary>
[CollectionDefinition("RsbBus")]
public sealed class RsbBusCollection;

/// <summary>
/// A simulated A64 R_RSB with an AXP803 behind it, on a fake bus. The controller acts on writes:
/// SOFT_RST and DMCR's DEVICE_START clear themselves, START_TRANS runs RSB_CMD against the PMIC
/// and sets RSB_STAT (write-1-to-clear) as Linux sunxi-rsb.c reads it. The PMIC answers only once
/// the mode switch (register 0x3E = 0x7C) reached it, takes a run-time address by SRTA only at its
/// hardware address 0x3A3, and acknowledges only that run-time address afterwards. Other
/// addresses (R_PRCM, R_PIO) are plain registers. Accesses are logged, RSB registers by name.
/// </summary>
public struct RsbBus : IWordBus<RsbBus>
{
    public const nuint Base = A64.RRsb.Base;
    public const ushort PmicHardwareAddress = 0x3A3;

    private const uint SoftReset = 1u << 0, AbortTransfer = 1u << 6, StartTransfer = 1u << 7;
    private const uint TransOver = 1u << 0, TransErr = 1u << 1, LoadBusy = 1u << 2, ErrAck = 1u << 16;
    private const uint DeviceStart = 1u << 31;
    private const byte Srta = 0xE8, Rd8 = 0x8B, Rd16 = 0x9C, Wr8 = 0x4E, Wr16 = 0x59;

    private static readonly Dictionary<nuint, string> Names = new()
    {
        [0x00] = "RSB_CTRL", [0x04] = "RSB_CCR", [0x08] = "RSB_INTE", [0x0C] = "RSB_STAT", [0x10] = "RSB_AR",
        [0x18] = "RSB_DLEN", [0x1C] = "RSB_DATA", [0x24] = "RSB_LCR", [0x28] = "RSB_DMCR", [0x2C] = "RSB_CMD", [0x30] = "RSB_DAR",
    };

    public static readonly Dictionary<nuint, uint> Registers = [];
    public static readonly List<string> Log = [];
    /// <summary>The AXP803's register file; CHIP_ID reads 0x51 as on a Pine64+.</summary>
    public static readonly byte[] Pmic = new byte[256];
    /// <summary>Transfers the PMIC saw, as "WR8 0x24 0x33", "RD8 0x03", "SRTA 0x3a3->0x2d" or "NACK ...".</summary>
    public static readonly List<string> Transfers = [];

    public static bool PmicInRsbMode;
    public static byte PmicRuntimeAddress;
    public static bool NeverCompletes;
    public static bool SoftResetStuck;
    public static int BusErrorsToRaise;
    public static bool LoadBusyOnNext;
    public static bool LogAccesses = true;

    public static void Reset()
    {
        Registers.Clear();
        Log.Clear();
        Transfers.Clear();
        Array.Clear(Pmic);
        Pmic[0x03] = 0x51;
        Pmic[0x10] = 0x01;   // DCDC1 on after power-up, as the board's 3.3 V rail
        Pmic[0x24] = 0x80 | 0x14; // DCDC5: a DVM bit set above the voltage field, and 1.0 V
        PmicInRsbMode = false;
        PmicRuntimeAddress = 0;
        NeverCompletes = false;
        SoftResetStuck = false;
        BusErrorsToRaise = 0;
        LoadBusyOnNext = false;
        LogAccesses = true;
    }

    public static uint Read32(nuint address)
    {
        uint value = Registers.GetValueOrDefault(address);
        if (LogAccesses)
            Log.Add($"read  {Name(address)} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        if (LogAccesses)
            Log.Add($"write {Name(address)} <- 0x{value:x8}");
        if (address < Base || address >= Base + 0x400)
        {
            Registers[address] = value;
            return;
        }
        switch (address - Base)
        {
            case 0x00:
                if ((value & SoftReset) != 0)
                {
                    Registers[Base + 0x0C] = 0;
                    Registers[address] = SoftResetStuck ? SoftReset : 0;
                }
                else if ((value & AbortTransfer) != 0)
                    Registers[address] = 0;
                else if ((value & StartTransfer) != 0)
                    Transfer();
                else
                    Registers[address] = value;
                return;
            case 0x0C:
                Registers[address] = Registers.GetValueOrDefault(address) & ~value;
                return;
            case 0x28:
                Registers[address] = value;
                if ((value & DeviceStart) != 0 && !NeverCompletes)
                {
                    // The PMIC takes the mode only from a correct switch: register 0x3E, value 0x7C.
                    if (((value >> 8) & 0xFF) == 0x3E && ((value >> 16) & 0xFF) == 0x7C)
                        PmicInRsbMode = true;
                    Transfers.Add($"DMCR 0x{value:x8}");
                    Registers[address] = value & ~DeviceStart;
                    Registers[Base + 0x0C] = TransOver;
                }
                return;
            default:
                Registers[address] = value;
                return;
        }
    }

    private static void Transfer()
    {
        if (NeverCompletes)
        {
            Registers[Base] = StartTransfer; // stays busy
            return;
        }
        Registers[Base] = 0;
        if (LoadBusyOnNext)
        {
            LoadBusyOnNext = false;
            Registers[Base + 0x0C] = LoadBusy;
            return;
        }
        if (BusErrorsToRaise > 0)
        {
            BusErrorsToRaise--;
            Registers[Base + 0x0C] = TransErr | (1u << 8);
            Transfers.Add("BUS ERROR");
            return;
        }
        uint dar = Registers.GetValueOrDefault(Base + 0x30);
        byte command = (byte)Registers.GetValueOrDefault(Base + 0x2C);
        byte runtime = (byte)(dar >> 16);
        byte register = (byte)Registers.GetValueOrDefault(Base + 0x10);
        uint data = Registers.GetValueOrDefault(Base + 0x1C);
        bool addressed = PmicInRsbMode && PmicRuntimeAddress != 0 && runtime == PmicRuntimeAddress;
        switch (command)
        {
            case Srta when PmicInRsbMode && (dar & 0xFFFF) == PmicHardwareAddress:
                PmicRuntimeAddress = runtime;
                Transfers.Add($"SRTA 0x{dar & 0xFFFF:x3}->0x{runtime:x2}");
                break;
            case Rd8 when addressed:
                Registers[Base + 0x1C] = Pmic[register];
                Transfers.Add($"RD8 0x{register:x2}");
                break;
            case Rd16 when addressed:
                Registers[Base + 0x1C] = (uint)(Pmic[register] | Pmic[(byte)(register + 1)] << 8);
                Transfers.Add($"RD16 0x{register:x2}");
                break;
            case Wr8 when addressed:
                Pmic[register] = (byte)data;
                Transfers.Add($"WR8 0x{register:x2} 0x{(byte)data:x2}");
                break;
            case Wr16 when addressed:
                Pmic[register] = (byte)data;
                Pmic[(byte)(register + 1)] = (byte)(data >> 8);
                Transfers.Add($"WR16 0x{register:x2} 0x{(ushort)data:x4}");
                break;
            default:
                Registers[Base + 0x0C] = TransErr | ErrAck;
                Transfers.Add($"NACK cmd 0x{command:x2} rta 0x{runtime:x2}");
                return;
        }
        Registers[Base + 0x0C] = TransOver;
    }

    private static string Name(nuint address)
    {
        if (address >= Base && address < Base + 0x400 && Names.TryGetValue(address - Base, out var name))
            return name;
        return $"0x{address:x8}";
    }
}

/// <summary>A clock that moves one millisecond per look, so every deadline is reached in a bounded number of polls.</summary>
public struct RsbTestClock : IMonotonicClock
{
    public static long Now;

    public static long Milliseconds => ++Now;
}
