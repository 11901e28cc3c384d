using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Tests.Drivers;

/// <summary>Test classes that use <see cref="EmacBus"/> run one after the other: its state is static.</summary>
[CollectionDefinition("EmacBus")]
public sealed class EmacBusCollection;

/// <summary>
/// A simulated H3 EMAC (and SID) on a fake bus, modelled on QEMU's hw/net/allwinner-sun8i-emac.c:
/// registers are a dictionary and every access is logged by name; soft reset and MDIO complete
/// after a read (or never, to test timeouts); a clause 22 PHY at one address whose link comes up
/// after a number of BMSR reads; a DMA that on a TX_CTL1 write with TX_DMA_EN walks the transmit
/// ring from its current descriptor and records the frames, and that writes injected frames into
/// the receive ring (length with FCS and QEMU's padding to 64, as QEMU reports it).
/// <para>With <see cref="Rtl8211e"/> set the PHY is the Pine64+'s RTL8211E instead of QEMU's
/// 10/100 model: gigabit capable (BMSR extended status, registers 9 and 10), its link partner
/// <see cref="PartnerMbps"/> (1000 or 100); and the A64's system controller, CCU and PIO
/// around the EMAC are named in the log.</para>
/// </summary>
public struct EmacBus : IWordBus<EmacBus>
{
    public const nuint Emac = H3.Emac.Base;
    public const nuint SidBase = H3.Sid.Base;
    public const uint PhyAddress = 1;

    private const uint Own = 1u << 31;

    private static readonly Dictionary<nuint, string> Names = new()
    {
        [0x00] = "BASIC_CTL0", [0x04] = "BASIC_CTL1", [0x08] = "INT_STA", [0x0C] = "INT_EN",
        [0x10] = "TX_CTL0", [0x14] = "TX_CTL1", [0x1C] = "TX_FLOW_CTL", [0x20] = "TX_DMA_DESC_LIST",
        [0x24] = "RX_CTL0", [0x28] = "RX_CTL1", [0x34] = "RX_DMA_DESC_LIST", [0x38] = "RX_FRM_FLT",
        [0x48] = "MII_CMD", [0x4C] = "MII_DATA", [0x50] = "ADDR0_HIGH", [0x54] = "ADDR0_LOW",
    };

    public static readonly Dictionary<nuint, uint> Registers = [];
    public static readonly List<string> Log = [];
    public static readonly List<byte[]> Sent = [];
    public static readonly ushort[] Phy = new ushort[32];
    public static readonly uint[] ChipId = [0x02c00081, 0x11112222, 0x33330000, 0x44556677];

    /// <summary>The PHY is an RTL8211E (U-Boot realtek.c uid 0x1cc915) rather than QEMU's 10/100 model.</summary>
    public static bool Rtl8211e;

    /// <summary>What the RTL8211E's link partner offers: 1000 (1000BASE-T full duplex and 10/100) or 100 (10/100 only).</summary>
    public static int PartnerMbps;

    public static bool ResetStuck;
    public static bool MdioStuck;
    public static bool PhyResetStuck;
    public static bool TransmitPaused;

    /// <summary>QEMU's model: when the descriptor after the one just filled is not the DMA's, go back to the head of the ring.</summary>
    public static bool RewindWhenFull;
    public static int LinkUpAfterBmsrReads;
    public static int BmsrReads;
    public static int MdioTransfers;
    private static uint _txCurrent;
    private static uint _rxCurrent;
    private static bool _phyResetPending;

    public static void Reset()
    {
        Registers.Clear();
        Log.Clear();
        Sent.Clear();
        Array.Clear(Phy);
        ResetStuck = MdioStuck = PhyResetStuck = TransmitPaused = RewindWhenFull = Rtl8211e = false;
        PartnerMbps = 1000;
        LinkUpAfterBmsrReads = 0;
        BmsrReads = MdioTransfers = 0;
        _txCurrent = _rxCurrent = 0;
        _status = 0;
        _phyResetPending = false;
        Registers[Emac + 0x04] = EmacSun8i.BasicCtl1.Reset.Raw;
        ResetPhy();
    }

    /// <summary>Puts the Pine64+'s RTL8211E on the MDIO bus instead of QEMU's PHY, its link partner offering <paramref name="partnerMbps"/>.</summary>
    public static void UseRtl8211e(int partnerMbps)
    {
        Rtl8211e = true;
        PartnerMbps = partnerMbps;
        ResetPhy();
    }

    /// <summary>Log lines for registers, MDIO transfers decoded ("mdio read 1.BMSR -> 0x..").</summary>
    public static IEnumerable<string> Trace => Log;

    public static uint Register(nuint offset) => Registers.GetValueOrDefault(Emac + offset);

    public static uint Read32(nuint address)
    {
        uint value = Registers.GetValueOrDefault(address);
        if (address == Emac + 0x04 && (value & 1) != 0 && !ResetStuck)
            Registers[address] = value & ~1u; // soft reset done: reads set once, then clear
        if (address == Emac + 0x48 && (value & 1) != 0 && !MdioStuck)
            Registers[address] = value & ~1u; // MDIO transfer done after one poll
        if (address == SidBase + 0x40)
            Registers[address] = value & ~2u; // SID read-out done at once
        Log.Add($"read  {Name(address)} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        Registers[address] = value;
        Log.Add($"write {Name(address)} <- 0x{value:x8}");
        nuint offset = address - Emac;
        switch (offset)
        {
            case 0x04 when (value & 1) != 0:
                ResetEmac(value);
                break;
            case 0x08:
                Registers[address] = _status & ~value; // write 1 to clear
                _status = Registers[address];
                break;
            case 0x14 when (value & (1u << 30)) != 0:
                Transmit();
                break;
            case 0x20:
                _txCurrent = value;
                break;
            case 0x34:
                _rxCurrent = value;
                break;
            case 0x48 when (value & 1) != 0 && !MdioStuck:
                MdioTransfer(value);
                break;
        }
        if (address == SidBase + 0x40 && (value & 2) != 0)
            Registers[SidBase + 0x60] = ChipId[(value >> 16 & 0x1FF) / 4];
    }

    /// <summary>Writes <paramref name="frame"/> into the next receive descriptor the DMA owns; false when there is none (RX_BUF_UA).</summary>
    public static bool Inject(ReadOnlySpan<byte> frame, uint extraStatus = 0)
    {
        if ((Register(0x24) & (1u << 31)) == 0 || _rxCurrent == 0)
            return false;
        nuint descriptor = TestDma.ToHost(_rxCurrent);
        uint status = Word(descriptor, 0);
        if ((status & Own) == 0)
            return false;
        uint size = Word(descriptor, 4) & 0x7FF;
        if (size < frame.Length + 4)
            return false;
        frame.CopyTo(Bytes(TestDma.ToHost(Word(descriptor, 8)), frame.Length));
        int padded = frame.Length + 4 + Math.Max(0, 64 - frame.Length);
        var value = EmacSun8iDesc.RxStatus.Zero.WithFirst(true).WithLast(true).WithFrmLen((uint)padded);
        SetWord(descriptor, 0, value.Raw | extraStatus);
        SetStatus(1u << 8); // INT_STA.RX
        _rxCurrent = Word(descriptor, 12);
        if (RewindWhenFull && (Word(TestDma.ToHost(_rxCurrent), 0) & Own) == 0)
            _rxCurrent = Register(0x34);
        return true;
    }

    /// <summary>The EMAC's interrupt line as QEMU drives it: high while INT_STA and INT_EN share a bit (allwinner_sun8i_emac_update_irq).</summary>
    public static bool InterruptLine => (Register(0x08) & Register(0x0C)) != 0;

    /// <summary>INT_STA as the hardware sets it (the register map keeps the last value for reads).</summary>
    private static uint _status;

    private static void SetStatus(uint bits)
    {
        _status |= bits;
        Registers[Emac + 0x08] = _status;
    }

    /// <summary>Lets a paused transmit DMA run: as if the driver had kicked it.</summary>
    public static void RunTransmit()
    {
        TransmitPaused = false;
        Transmit();
    }

    private static void Transmit()
    {
        if (TransmitPaused || _txCurrent == 0)
            return;
        var frame = new List<byte>();
        while (true)
        {
            nuint descriptor = TestDma.ToHost(_txCurrent);
            uint status = Word(descriptor, 0);
            if ((status & Own) == 0)
                return;
            var control = new EmacSun8iDesc.TxCtlSize(Word(descriptor, 4));
            frame.AddRange(Bytes(TestDma.ToHost(Word(descriptor, 8)), (int)control.BufSize).ToArray());
            SetWord(descriptor, 0, status & ~Own);
            if (control.Last)
            {
                Sent.Add([.. frame]);
                frame.Clear();
                SetStatus(1u << 0); // INT_STA.TX
            }
            _txCurrent = Word(descriptor, 12);
        }
    }

    private static void ResetEmac(uint value)
    {
        if (ResetStuck)
            return;
        foreach (nuint key in Registers.Keys.Where(k => k >= Emac && k < Emac + 0x10000).ToList())
            Registers[key] = 0;
        _status = 0;
        Registers[Emac + 0x04] = EmacSun8i.BasicCtl1.Reset.Raw | 1; // reads busy once
        _txCurrent = _rxCurrent = 0;
    }

    private static void ResetPhy()
    {
        Array.Clear(Phy);
        if (Rtl8211e)
        {
            // Reset values per the RTL8211E datasheet's register tables: auto-negotiation on,
            // 10/100 advertised; CTRL1000 cleared here so only the driver's write offers 1000BASE-T.
            Phy[0] = new MiiPhy.Bmcr(0).WithAnegEnable(true).WithFullDuplex(true).WithSpeed1000(true).Raw;
            Phy[2] = 0x001C;
            Phy[3] = 0xC915;
            Phy[4] = MiiPhy.Advertise.Zero.WithSelector(MiiPhy.Advertise.SelectorValue.Ieee8023).WithBase10Half(true)
                .WithBase10Full(true).WithBase100Half(true).WithBase100Full(true).Raw;
            return;
        }
        Phy[0] = new MiiPhy.Bmcr(0).WithSpeed100(true).WithAnegEnable(true).WithFullDuplex(true).Raw;
        Phy[2] = 0x0044; // QEMU's PHY ID
        Phy[3] = 0x1400;
        Phy[5] = MiiPhy.Advertise.Zero.WithBase10Half(true).WithBase10Full(true).WithBase100Half(true)
            .WithBase100Full(true).WithPause(true).WithAsymPause(true).Raw;
    }

    private static void MdioTransfer(uint command)
    {
        MdioTransfers++;
        var cmd = new EmacSun8i.MiiCmd(command);
        uint reg = cmd.PhyReg;
        bool write = cmd.MiiWr;
        if (cmd.PhyAddr != PhyAddress)
        {
            Log.Add($"mdio {(write ? "write" : "read ")} {cmd.PhyAddr}.{reg}: no PHY");
            return;
        }
        if (write)
        {
            ushort data = (ushort)Registers.GetValueOrDefault(Emac + 0x4C);
            Log.Add($"mdio write {PhyName(reg)} <- 0x{data:x4}");
            if (reg == 0 && (data & 0x8000) != 0)
            {
                ResetPhy();
                _phyResetPending = true;
                Phy[0] |= 0x8000;
            }
            else if (reg == 0)
            {
                Phy[0] = (ushort)(data & ~0x0200); // ANEG_RESTART self-clears
            }
            else
            {
                Phy[reg] = data;
            }
            return;
        }
        ushort result;
        bool linkUp = LinkUpAfterBmsrReads >= 0 && BmsrReads > LinkUpAfterBmsrReads;
        if (reg == 1)
        {
            BmsrReads++;
            bool up = LinkUpAfterBmsrReads >= 0 && BmsrReads > LinkUpAfterBmsrReads;
            // RTL8211E: 10/100 abilities, extended status (registers 9, 10, 15), preamble
            // suppression, auto-negotiation ability, extended capabilities.
            ushort idle = Rtl8211e ? (ushort)0x7949 : (ushort)0x7E08;
            result = (ushort)(new MiiPhy.Bmsr(idle).Raw | (up ? 0x0024 : 0));
        }
        else if (Rtl8211e && reg == 5)
        {
            // The partner's base page once negotiated: 10/100 both duplexes, acknowledge.
            result = linkUp ? (ushort)0x41E1 : (ushort)0;
        }
        else if (Rtl8211e && reg == 10)
        {
            // STAT1000: what the partner offers (bits 11, 10), whatever we advertised, and
            // local/remote receiver OK (13, 12) once a 1000BASE-T link is up.
            bool gigabitPartner = linkUp && PartnerMbps == 1000;
            bool both = gigabitPartner && (Phy[9] & 0x0200) != 0;
            result = (ushort)((gigabitPartner ? 0x0C00 : 0) | (both ? 0x3000 : 0));
        }
        else
        {
            result = Phy[reg];
            if (reg == 0 && _phyResetPending && !PhyResetStuck)
            {
                Phy[0] &= 0x7FFF; // reset done after one read
                _phyResetPending = false;
            }
        }
        Registers[Emac + 0x4C] = result;
        Log.Add($"mdio read  {PhyName(reg)} -> 0x{result:x4}");
    }

    private static string PhyName(uint reg) => reg switch
    {
        0 => "BMCR", 1 => "BMSR", 4 => "ADVERTISE", 5 => "LPA", 9 => "CTRL1000", 10 => "STAT1000", _ => $"reg{reg}",
    };

    private static readonly string[] PortRegisters = ["CFG0", "CFG1", "CFG2", "CFG3", "DAT", "DRV0", "DRV1", "PULL0", "PULL1"];

    private static readonly Dictionary<nuint, string> A64Names = new()
    {
        [A64.Sysctl.Base + 0x30] = "SYSCTL.EMAC_CLK",
        [A64.Ccu.Base + 0x060] = "CCU.BUS_CLK_GATING0",
        [A64.Ccu.Base + 0x2C0] = "CCU.BUS_SOFT_RST0",
    };

    private static string Name(nuint address)
    {
        if (address >= SidBase && address < SidBase + 0x400)
            return $"SID+0x{address - SidBase:x3}";
        if (A64Names.TryGetValue(address, out string? a64))
            return a64;
        if (address >= A64.Pio.Base && address < A64.Pio.Base + 8 * 0x24)
        {
            nuint pio = address - A64.Pio.Base;
            return $"PIO.P{(char)('A' + (int)(pio / 0x24))}_{PortRegisters[(int)(pio % 0x24 / 4)]}";
        }
        nuint offset = address - Emac;
        if (Names.TryGetValue(offset, out string? name))
            return name;
        if (offset >= 0x58 && offset < 0x90)
            return $"ADDR{(offset - 0x58) / 8 + 1}_{((offset & 4) == 0 ? "HIGH" : "LOW")}";
        return $"0x{address:x8}";
    }

    private static unsafe uint Word(nuint descriptor, int offset) => *(uint*)(descriptor + (nuint)offset);

    private static unsafe void SetWord(nuint descriptor, int offset, uint value) => *(uint*)(descriptor + (nuint)offset) = value;

    private static unsafe Span<byte> Bytes(nuint address, int length) => new((void*)address, length);
}

/// <summary>Time that moves 1 ms each time it is read, so every deadline in the driver is reached.</summary>
public struct TestClock : IMonotonicClock
{
    public static long Now;

    public static long Milliseconds => ++Now;
}

/// <summary>
/// Ring memory in a pinned host array, given to the "DMA" at 32-bit bus addresses from
/// 0x40000000 (DRAM on the H3), so traces do not depend on where the array landed.
/// </summary>
public struct TestDma : IDmaMemory
{
    public const uint DeviceBase = 0x4000_0000;
    public static nuint HostBase;
    public static int Cleans;
    public static int Invalidates;

    public static uint DeviceAddress(nuint cpuAddress) => (uint)(cpuAddress - HostBase) + DeviceBase;

    public static nuint ToHost(uint deviceAddress) => HostBase + (deviceAddress - DeviceBase);

    public static void CleanForDevice(nuint address, nuint length) => Cleans++;

    public static void InvalidateForCpu(nuint address, nuint length) => Invalidates++;

    /// <summary>A 64-byte aligned block for the rings, pinned for the test's lifetime.</summary>
    public static unsafe EmacRingMemory Allocate(int receiveCount, int transmitCount, out byte[] keepAlive)
    {
        nuint length = EmacRingMemory.RequiredLength(receiveCount, transmitCount);
        keepAlive = GC.AllocateArray<byte>((int)length + EmacRingMemory.Alignment, pinned: true);
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(keepAlive));
        nuint aligned = (start + EmacRingMemory.Alignment - 1) & ~(nuint)(EmacRingMemory.Alignment - 1);
        HostBase = aligned;
        Cleans = Invalidates = 0;
        return new EmacRingMemory(aligned, length, receiveCount, transmitCount);
    }
}
