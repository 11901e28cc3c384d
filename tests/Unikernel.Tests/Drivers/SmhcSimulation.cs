using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Tests.Drivers;

/// <summary>Test classes that use <see cref="SmhcBus"/> run one after the other: its state is static.</summary>
[CollectionDefinition("SmhcBus")]
public sealed class SmhcBusCollection;

/// <summary>
/// A simulated H3 SMHC0 with an SD card behind it, on a fake bus, modelled on QEMU's
/// hw/sd/allwinner-sdhost.c and hw/sd/sd.c but with the real controller's error bits (a missing
/// response is RESP_TIMEOUT + COMMAND_DONE; <see cref="QemuNoResponse"/> gives QEMU's lone
/// RESP_ERROR instead). Commands complete when CMDR is written with START; a data command walks
/// the IDMAC descriptor chain from DLBA through <see cref="SmhcTestDma"/> memory. Other addresses
/// (CCU, PIO) are plain registers. Every access is logged, SMHC registers by name.
/// </summary>
public struct SmhcBus : IWordBus<SmhcBus>
{
    public const nuint Base = H3.Smhc0.Base;
    public const uint Rca = 0xB368;

    private const uint Start = 1u << 31, UpdateClockOnly = 1u << 21, AutoStop = 1u << 12, WriteFlag = 1u << 10,
        DataFlag = 1u << 9, LongFlag = 1u << 7, ResponseFlag = 1u << 6, IndexMask = 0x3F;
    private const uint RespError = 1u << 1, CommandDone = 1u << 2, DataOver = 1u << 3, RespCrcError = 1u << 6,
        DataCrcError = 1u << 7, RespTimeout = 1u << 8, AutoCommandDone = 1u << 14;
    private const uint IdstTransmit = 1u << 0, IdstReceive = 1u << 1, IdstFatalBus = 1u << 2, IdstNormal = 1u << 8, IdstAbnormal = 1u << 9;
    private const uint DescHold = 1u << 31, DescLast = 1u << 2;
    private const uint CardDataBusy = 1u << 9;

    private static readonly Dictionary<nuint, string> Names = new()
    {
        [0x00] = "GCTRL", [0x04] = "CKCR", [0x08] = "TMOR", [0x0C] = "BWDR", [0x10] = "BKSR", [0x14] = "BYCR",
        [0x18] = "CMDR", [0x1C] = "CAGR", [0x20] = "RESP0", [0x24] = "RESP1", [0x28] = "RESP2", [0x2C] = "RESP3",
        [0x30] = "IMKR", [0x34] = "MISR", [0x38] = "RISR", [0x3C] = "STAR", [0x80] = "DMAC", [0x84] = "DLBA",
        [0x88] = "IDST", [0x8C] = "IDIE",
    };

    public static readonly Dictionary<nuint, uint> Registers = [];
    public static readonly List<string> Log = [];
    /// <summary>Commands the card saw, as "CMDn 0xarg" ("ACMDn" after CMD55).</summary>
    public static readonly List<string> Commands = [];

    public static SimulatedSdCard? Card;
    public static bool QemuNoResponse;
    public static uint CrcErrorOnCommand = uint.MaxValue;
    public static uint NoResponseOnCommand = uint.MaxValue;
    public static bool DataCrcErrors;
    public static bool DataNeverCompletes;
    public static bool DescriptorBusError;
    public static bool ClockUpdateStuck;
    public static int BusyReadsAfterWrite;
    public static int DescriptorsWalked;
    private static int _busyReads;

    public static void Reset()
    {
        Registers.Clear();
        Log.Clear();
        Commands.Clear();
        Card = null;
        QemuNoResponse = DataCrcErrors = DataNeverCompletes = DescriptorBusError = ClockUpdateStuck = false;
        CrcErrorOnCommand = NoResponseOnCommand = uint.MaxValue;
        BusyReadsAfterWrite = DescriptorsWalked = _busyReads = 0;
    }

    private static string Name(nuint address) =>
        address >= Base && address < Base + 0x1000 && Names.TryGetValue(address - Base, out string? name) ? name : $"0x{address:x8}";

    public static uint Read32(nuint address)
    {
        uint value = Registers.GetValueOrDefault(address);
        if (address == Base + 0x3C && _busyReads > 0)
        {
            _busyReads--;
            value |= CardDataBusy;
        }
        Log.Add($"read  {Name(address)} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        Log.Add($"write {Name(address)} <- 0x{value:x8}");
        switch (address - Base)
        {
            case 0x00: // reset bits clear at once, as in QEMU
                Registers[address] = value & ~7u;
                return;
            case 0x38: // RISR, write 1 to clear
            case 0x88: // IDST
                Registers[address] = Registers.GetValueOrDefault(address) & ~value;
                return;
            case 0x18:
                Registers[address] = value;
                if ((value & Start) != 0)
                    Execute(value);
                return;
        }
        Registers[address] = value;
    }

    private static uint Get(nuint offset) => Registers.GetValueOrDefault(Base + offset);

    private static void Set(nuint offset, uint value) => Registers[Base + offset] = value;

    private static void Raise(uint bits) => Set(0x38, Get(0x38) | bits);

    private static void Execute(uint command)
    {
        if ((command & UpdateClockOnly) != 0)
        {
            if (!ClockUpdateStuck)
            {
                Set(0x18, command & ~Start);
                Raise(CommandDone);
            }
            return;
        }
        Set(0x18, command & ~Start);
        uint index = command & IndexMask;
        uint argument = Get(0x1C);
        bool application = Card?.ApplicationCommand ?? false;
        Commands.Add($"{(application ? "A" : "")}CMD{index} 0x{argument:x8}");
        SimulatedSdCard.Response? response = Card is null || index == NoResponseOnCommand ? null : Card.Command(index, argument);
        if ((command & ResponseFlag) != 0 || index == 0)
        {
            if (response is null && index != 0)
            {
                Raise(QemuNoResponse ? RespError : RespTimeout | CommandDone);
                return;
            }
            if (response is { } r)
            {
                if (r.Long != ((command & LongFlag) != 0))
                    throw new InvalidOperationException($"CMD{index}: response length flag wrong");
                Set(0x20, (uint)r.Value);
                Set(0x24, (uint)(r.Value >> 32));
                Set(0x28, (uint)(r.Value >> 64));
                Set(0x2C, (uint)(r.Value >> 96));
            }
        }
        if (index == CrcErrorOnCommand)
        {
            Raise(RespCrcError | CommandDone);
            return;
        }
        Raise(CommandDone);
        if ((command & DataFlag) != 0 && Card is { TransferAddress: long start } && !DataNeverCompletes)
            Dma(command, start);
    }

    private static void Dma(uint command, long position)
    {
        bool write = (command & WriteFlag) != 0;
        uint remaining = Get(0x14);
        uint descriptor = Get(0x84);
        if (DescriptorBusError)
        {
            Set(0x88, Get(0x88) | IdstFatalBus | IdstAbnormal);
            return;
        }
        while (remaining > 0)
        {
            nuint host = SmhcTestDma.ToHost(descriptor);
            uint config = DirectMmio.Read32(host);
            if ((config & DescHold) == 0)
                throw new InvalidOperationException("descriptor not owned by the IDMAC");
            uint size = DirectMmio.Read32(host + 4);
            if (size == 0)
                size = 0x10000;
            uint count = Math.Min(size, remaining);
            var buffer = SmhcTestDma.Bytes(DirectMmio.Read32(host + 8), (int)count);
            if (write)
                Card!.WriteBytes(position, buffer);
            else
                Card!.ReadBytes(position, buffer);
            position += count;
            remaining -= count;
            DirectMmio.Write32(host, config & ~DescHold);
            DescriptorsWalked++;
            if ((config & DescLast) != 0)
                break;
            descriptor = DirectMmio.Read32(host + 12);
        }
        if (remaining != 0)
            throw new InvalidOperationException($"descriptor chain ended {remaining} bytes short");
        if (DataCrcErrors)
        {
            Raise(DataCrcError);
            return;
        }
        Raise(DataOver | ((command & AutoStop) != 0 ? AutoCommandDone : 0));
        if ((command & AutoStop) != 0)
            Commands.Add("CMD12 (auto)");
        Set(0x88, Get(0x88) | IdstNormal | (write ? IdstTransmit : IdstReceive));
        if (write)
            _busyReads = BusyReadsAfterWrite;
    }
}

/// <summary>
/// An SD memory card as QEMU's hw/sd/sd.c presents it: SD 2.0 (answers CMD8), SDSC with a
/// version 1 CSD and byte addresses, or SDHC with a version 2 CSD and block addresses; contents
/// kept per block so a 4 GiB card costs only what is written.
/// </summary>
public sealed class SimulatedSdCard(long capacity, bool highCapacity)
{
    public readonly record struct Response(UInt128 Value, bool Long);

    private const uint OutOfRange = 1u << 31, AddressError = 1u << 30, AppCmd = 1u << 5;
    private readonly Dictionary<long, byte[]> _blocks = [];

    public long Capacity { get; } = capacity;
    public bool HighCapacity { get; } = highCapacity;
    /// <summary>ACMD41 reports power-up done after this many tries; never if negative.</summary>
    public int ReadyAfterPolls { get; init; } = 2;
    public bool Version2 { get; init; } = true;
    public bool ApplicationCommand { get; private set; }
    public uint BusWidthArgument { get; private set; }
    public uint BlockLength { get; private set; }
    public bool Selected { get; private set; }
    /// <summary>Byte position of the data phase of the last accepted read or write command, else null.</summary>
    public long? TransferAddress { get; private set; }
    private int _polls;

    public Response? Command(uint index, uint argument)
    {
        bool application = ApplicationCommand;
        ApplicationCommand = false;
        TransferAddress = null;
        switch (application ? 100 + index : index)
        {
            case 0:
                _polls = 0;
                Selected = false;
                return null;
            case 8:
                return Version2 ? Short(argument & 0xFFF) : null;
            case 55:
                ApplicationCommand = true;
                return Short(AppCmd);
            case 141:
                _polls++;
                uint ready = ReadyAfterPolls >= 0 && _polls > ReadyAfterPolls ? 1u << 31 : 0;
                uint ccs = ready != 0 && HighCapacity && (argument & (1u << 30)) != 0 ? 1u << 30 : 0;
                return Short(ready | ccs | 0x00FF8000);
            case 2:
                return new Response(new UInt128(0x0353_4453_4430_3847, 0x8012_3456_7800_C201), true);
            case 3:
                return Short(SmhcBus.Rca << 16 | 0x0500);
            case 9:
                return argument >> 16 == SmhcBus.Rca ? new Response(Csd(), true) : null;
            case 7:
                Selected = argument >> 16 == SmhcBus.Rca;
                return Short(0x0700);
            case 106:
                BusWidthArgument = argument;
                return Short(0x0900);
            case 16:
                BlockLength = argument;
                return Short(0x0900);
            case 12:
                return Short(0x0B00);
            case 17 or 18 or 24 or 25:
                long position = HighCapacity ? (long)argument * 512 : argument;
                if (!HighCapacity && argument % 512 != 0)
                    return Short(AddressError);
                if (position >= Capacity)
                    return Short(OutOfRange);
                TransferAddress = position;
                return Short(0x0900);
            default:
                return null;
        }
    }

    private static Response Short(uint value) => new(value, false);

    /// <summary>CSD register bits 127:0 (SD spec 5.3): version 1 with 512-byte blocks and C_SIZE_MULT 7 as QEMU builds it, or version 2.</summary>
    private UInt128 Csd()
    {
        UInt128 csd = 1; // bit 0 is always 1
        if (HighCapacity)
        {
            csd |= (UInt128)1 << 126;
            csd |= (UInt128)(ulong)(Capacity / (512 * 1024) - 1) << 48;
        }
        else
        {
            csd |= (UInt128)9 << 80;
            csd |= (UInt128)7 << 47;
            csd |= (UInt128)(ulong)(Capacity / (512 * 512) - 1) << 62;
        }
        return csd;
    }

    public void ReadBytes(long position, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i += 512)
            destination.Slice(i, 512).Fill(0);
        for (int i = 0; i < destination.Length; i += 512)
            if (_blocks.TryGetValue((position + i) / 512, out byte[]? block))
                block.CopyTo(destination.Slice(i, 512));
    }

    public void WriteBytes(long position, ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < source.Length; i += 512)
            _blocks[(position + i) / 512] = source.Slice(i, 512).ToArray();
    }

    public byte[] Block(long number) => _blocks.TryGetValue(number, out byte[]? block) ? block : new byte[512];
}

/// <summary>Time that moves 1 ms each time it is read, so every deadline in the driver is reached.</summary>
public struct SmhcTestClock : IMonotonicClock
{
    public static long Now;

    public static long Milliseconds => ++Now;
}

/// <summary>
/// DMA memory in one pinned host array, given to the IDMAC at 32-bit bus addresses from
/// 0x40000000 (DRAM on the H3), so traces do not depend on where the array landed.
/// </summary>
public struct SmhcTestDma : IDmaMemory
{
    public const uint DeviceBase = 0x4000_0000;
    private static byte[] _arena = [];
    private static nuint _hostBase;

    public static int Cleans;
    public static int Invalidates;

    public static unsafe void Allocate(int length)
    {
        _arena = GC.AllocateArray<byte>(length + 64, pinned: true);
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_arena));
        _hostBase = (start + 63) & ~(nuint)63;
        Cleans = Invalidates = 0;
    }

    /// <summary>Host address of arena byte <paramref name="offset"/>.</summary>
    public static nuint At(int offset) => _hostBase + (nuint)offset;

    public static unsafe Span<byte> Span(int offset, int length) => new((void*)At(offset), length);

    public static uint DeviceAddress(nuint cpuAddress)
    {
        if (cpuAddress < _hostBase || cpuAddress >= _hostBase + (nuint)_arena.Length)
            throw new InvalidOperationException("DMA address outside the test arena");
        return (uint)(cpuAddress - _hostBase) + DeviceBase;
    }

    public static nuint ToHost(uint deviceAddress) => _hostBase + (deviceAddress - DeviceBase);

    public static unsafe Span<byte> Bytes(uint deviceAddress, int length) => new((void*)ToHost(deviceAddress), length);

    public static void CleanForDevice(nuint address, nuint length) => Cleans++;

    public static void InvalidateForCpu(nuint address, nuint length) => Invalidates++;
}
