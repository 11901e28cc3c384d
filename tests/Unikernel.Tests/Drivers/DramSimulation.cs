using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Tests.Drivers;

/// <summary>Test classes that use <see cref="DramBus"/> run one after the other: its state is static.</summary>
[CollectionDefinition("DramBus")]
public sealed class DramBusCollection;

/// <summary>The chips on the board: what the size detection must find.</summary>
/// <param name="Ranks">Chip selects populated: 1 or 2 (0: none).</param>
/// <param name="RowBits">Row address bits of the chips.</param>
/// <param name="BankBits">2 (4 banks) or 3 (8 banks).</param>
/// <param name="PageShift">log2 of a row's bytes across the full 32-bit bus.</param>
/// <param name="HalfWidth">Only lanes 0 and 1 wired (16-bit bus): a row is half as many bytes.</param>
public readonly record struct DramGeometry(int Ranks, int RowBits, int BankBits, int PageShift, bool HalfWidth = false)
{
    /// <summary>log2 of a row's bytes on the bus actually wired.</summary>
    public int VisiblePageShift => PageShift - (HalfWidth ? 1 : 0);

    public ulong SizeBytes => (ulong)Ranks << (RowBits + BankBits + VisiblePageShift);

    /// <summary>1 GiB as on the Orange Pi PC: 2 Gbit x16 DDR3 chips, two per rank (32 bits), 2 ranks of 14 rows, 8 banks, 1 Ki columns x 4 bytes.</summary>
    public static DramGeometry OrangePiPc => new(2, 14, 3, 12);

    /// <summary>2 GiB as on the Pine64+ 2GB, modelled as 4 Gbit x16 DDR3 chips, two per rank: 2 ranks of 15 rows, 8 banks, 1 Ki columns x 4 bytes.</summary>
    public static DramGeometry Pine64Plus => new(2, 15, 3, 12);
}

/// <summary>
/// A simulated H3 or A64 DRAM controller, PHY, clock unit and DRAM on a fake bus (both SoCs put them at the same addresses). Registers are a
/// dictionary and every access is logged by name. PLLs lock and DRAM_CFG's update completes at
/// once (as on QEMU, refs/qemu-h3.md 1.4) unless told to hang; a PIR write with INIT completes at
/// once, and DQS gate training reports errors like the real PHY (U-Boot mctl_channel_init's
/// reading of them): rank 1 gate errors on lanes 0/1 when rank 1 is trained but absent, rank 0
/// gate errors on lanes 2/3 when they are enabled but not wired.
/// <para>DRAM decodes an address the way the controller is programmed in MCTL_CR (column, bank,
/// row, rank from the low bits up; higher bits ignored), and the chips then ignore the column,
/// bank and row bits they do not have: like real DRAM, a geometry programmed larger than the
/// chips aliases. In <see cref="QemuModel"/> mode it is QEMU 7.2's allwinner-h3-dramc instead:
/// flat 1 GiB with a 4 KiB alias of the base while MCTL_CR's rows are not 13.</para>
/// </summary>
public struct DramBus : IMmio
{
    public const nuint Ccu = H3.Ccu.Base;
    public const nuint Com = H3.Dramcom.Base;
    public const nuint Ctl = H3.Dramctl0.Base;
    public const nuint Syscon = H3.Sysctl.Base;
    public const nuint Dram = 0x40000000;

    public static readonly Dictionary<nuint, uint> Registers = [];
    public static readonly Dictionary<ulong, uint> Cells = [];
    public static readonly List<string> Log = [];

    public static DramGeometry Chips;
    public static bool QemuModel;
    public static bool PllStuck;
    public static bool ClockUpdateStuck;
    public static bool PhyStuck;
    public static bool StatusStuck;
    public static bool TrainingAlwaysFails;
    public static bool DataLinesDead;
    public static int PhyInits;
    public static bool Logging = true;

    /// <summary>Name the CCU registers as on the A64 (same addresses; PLL_DDR0 at 0x020, the DRAM clock from PLL_DDR1).</summary>
    public static bool A64;

    public static void Reset(DramGeometry chips, bool a64 = false)
    {
        A64 = a64;
        Registers.Clear();
        Cells.Clear();
        Log.Clear();
        Chips = chips;
        QemuModel = PllStuck = ClockUpdateStuck = PhyStuck = StatusStuck = TrainingAlwaysFails = DataLinesDead = false;
        PhyInits = 0;
        Logging = true;
        // Reset values that matter (QEMU allwinner-h3-ccu.c: MBUS_RST released, PLL_PERIPH0 off).
        Registers[Ccu + 0x028] = 0x00041811;
        Registers[Ccu + 0x0FC] = 0x80000000;
        Registers[Ccu + 0x15C] = 0x80000000;
        // DXnGCR come out of reset with the lane enabled (bit 0); U-Boot disables a lane by writing 0.
        for (int lane = 0; lane < 4; lane++)
            Registers[Ctl + 0x344 + (nuint)lane * 0x80] = 1;
    }

    public static uint Register(nuint address) => Registers.GetValueOrDefault(address);

    public static byte Read8(nuint address) => throw new InvalidOperationException("8-bit access");
    public static void Write8(nuint address, byte value) => throw new InvalidOperationException("8-bit access");
    public static ushort Read16(nuint address) => throw new InvalidOperationException("16-bit access");
    public static void Write16(nuint address, ushort value) => throw new InvalidOperationException("16-bit access");
    public static ulong Read64(nuint address) => throw new InvalidOperationException("64-bit access");
    public static void Write64(nuint address, ulong value) => throw new InvalidOperationException("64-bit access");

    public static uint Read32(nuint address)
    {
        uint value;
        if (address >= Dram)
            value = ReadDram(address - Dram);
        else
            value = Registers.GetValueOrDefault(address);
        if (address == Ccu + 0x0F4 && (value & (1u << 16)) != 0 && !ClockUpdateStuck)
            Registers[address] = value & ~(1u << 16); // SDRCLK_UPD done after one read
        Trace($"read  {Name(address)} -> 0x{value:x8}");
        return value;
    }

    public static void Write32(nuint address, uint value)
    {
        Trace($"write {Name(address)} <- 0x{value:x8}");
        if (address >= Dram)
        {
            WriteDram(address - Dram, value);
            return;
        }
        Registers[address] = value;
        if ((address == Ccu + 0x020 || address == Ccu + 0x028) && (value & (1u << 31)) != 0 && !PllStuck)
            Registers[address] = value | 1u << 28; // LOCK, as QEMU sets it
        if (address == Ccu + 0x04C && (value & (1u << 31)) != 0 && !PllStuck)
            Registers[address] = (value | 1u << 28) & ~(1u << 30); // A64 PLL_DDR1: LOCK, SDRPLL_UPD done
        if (address == Ctl + 0x000 && (value & 1) != 0)
            PhyInit(value);
    }

    private static void Trace(string line)
    {
        if (Logging)
            Log.Add(line);
    }

    private static void PhyInit(uint pir)
    {
        PhyInits++;
        if (PhyStuck)
        {
            Registers[Ctl + 0x010] = 0;
            return;
        }
        uint pgsr0 = 1; // IDONE
        for (int lane = 0; lane < 4; lane++)
            Registers[Ctl + 0x348 + (nuint)lane * 0x80] = 0;
        if ((pir & 1u << 1) != 0)
            Registers[Ctl + 0x148] = 0x0B0A_0908 + (uint)PhyInits; // ZQ calibration results
        if ((pir & 1u << 10) != 0 && !QemuModel)
        {
            bool rank1Trained = (Registers.GetValueOrDefault(Ctl + 0x0C0) >> 24 & 0xF) == 3;
            bool rank1Missing = rank1Trained && Chips.Ranks < 2;
            bool upperMissing = Chips.HalfWidth && (Register(Ctl + 0x344 + 2 * 0x80) != 0 || Register(Ctl + 0x344 + 3 * 0x80) != 0);
            if (rank1Missing)
            {
                Registers[Ctl + 0x348] |= 1u << 25;
                Registers[Ctl + 0x348 + 0x80] |= 1u << 25;
            }
            if (upperMissing)
            {
                Registers[Ctl + 0x348 + 2 * 0x80] |= 1u << 24;
                Registers[Ctl + 0x348 + 3 * 0x80] |= 1u << 24;
            }
            if (rank1Missing || upperMissing || TrainingAlwaysFails || Chips.Ranks == 0)
                pgsr0 |= 1u << 22;
        }
        Registers[Ctl + 0x010] = pgsr0;
        if (!StatusStuck)
            Registers[Ctl + 0x018] = 1; // STATR normal
    }

    // ---- DRAM ----

    private static uint ReadDram(nuint offset)
    {
        if (DataLinesDead)
            return 0;
        if (QemuModel)
            return Cells.GetValueOrDefault(QemuCell(offset));
        if (!ChipCell(offset, out ulong cell))
            return 0; // no chip on this chip select: the bus floats
        uint value = Cells.GetValueOrDefault(cell);
        return Cr.FullWidth && Chips.HalfWidth ? value & 0xFFFF : value;
    }

    private static void WriteDram(nuint offset, uint value)
    {
        if (QemuModel)
        {
            Cells[QemuCell(offset)] = value;
            return;
        }
        if (ChipCell(offset, out ulong cell))
            Cells[cell] = value;
    }

    /// <summary>MCTL_CR as the controller decodes it.</summary>
    private static (bool Dual, int RowBits, int BankBits, int PageShift, bool FullWidth) Cr
    {
        get
        {
            uint cr = Register(Com);
            return ((cr & 3) == 1, (int)(cr >> 4 & 0xF) + 1, (cr & 4) != 0 ? 3 : 2, (int)(cr >> 8 & 0xF) + 3, (cr & 1u << 12) != 0);
        }
    }

    /// <summary>The cell an access reaches: false when its rank has no chips.</summary>
    private static bool ChipCell(nuint offset, out ulong cell)
    {
        var cr = Cr;
        ulong o = offset;
        ulong column = o & ((1UL << cr.PageShift) - 1);
        ulong bank = o >> cr.PageShift & ((1UL << cr.BankBits) - 1);
        ulong row = o >> (cr.PageShift + cr.BankBits) & ((1UL << cr.RowBits) - 1);
        ulong rank = cr.Dual ? o >> (cr.PageShift + cr.BankBits + cr.RowBits) & 1 : 0;
        cell = 0;
        if (rank >= (ulong)Chips.Ranks)
            return false;
        column &= (1UL << Chips.VisiblePageShift) - 1;
        bank &= (1UL << Chips.BankBits) - 1;
        row &= (1UL << Chips.RowBits) - 1;
        cell = rank << 60 | bank << 56 | row << 24 | column >> 2;
        return true;
    }

    /// <summary>QEMU 7.2 hw/misc/allwinner-h3-dramc.c (refs/qemu-h3.md 1.5).</summary>
    private static ulong QemuCell(nuint offset)
    {
        var cr = Cr;
        const ulong oneGiB = 1UL << 30;
        ulong o = offset;
        if (Register(Com) != 0 && cr.RowBits != 13)
        {
            ulong alias = (1UL << (13 + cr.BankBits)) << cr.PageShift;
            if (o >= alias && o < alias + 4096)
                o -= alias;
        }
        return o >= oneGiB ? ulong.MaxValue : o >> 2;
    }

    // ---- names for the trace ----

    private static readonly Dictionary<nuint, string> Names = BuildNames();

    private static Dictionary<nuint, string> BuildNames()
    {
        var names = new Dictionary<nuint, string>
        {
            [Ccu + 0x020] = "CCU.PLL_DDR_CTRL", [Ccu + 0x028] = "CCU.PLL_PERIPH0_CTRL",
            [Ccu + 0x060] = "CCU.BUS_CLK_GATING0", [Ccu + 0x0F4] = "CCU.DRAM_CFG", [Ccu + 0x0FC] = "CCU.MBUS_RST",
            [Ccu + 0x15C] = "CCU.MBUS_CLK", [Ccu + 0x260] = "CCU.PLL_DDR_TUN", [Ccu + 0x2C0] = "CCU.BUS_SOFT_RST0",
            [Syscon + 0x024] = "SYSCON.VER", [Syscon + 0x0F0] = "SYSCON.CHIP_VARIANT",
            [Com + 0x000] = "COM.CR", [Com + 0x00C] = "COM.TMR", [Com + 0x090] = "COM.BWCR", [Com + 0x094] = "COM.MAER",
            [Com + 0x098] = "COM.MAPR", [Com + 0x0D0] = "COM.CCCR", [Com + 0x130] = "COM.MDFS_BWLR2", [Com + 0x800] = "COM.PROTECT",
            [Ctl + 0x000] = "CTL.PIR", [Ctl + 0x00C] = "CTL.CLKEN", [Ctl + 0x010] = "CTL.PGSR0", [Ctl + 0x018] = "CTL.STATR",
            [Ctl + 0x050] = "CTL.PTR3", [Ctl + 0x054] = "CTL.PTR4", [Ctl + 0x078] = "CTL.DRAMTMG8", [Ctl + 0x07C] = "CTL.ODTCFG",
            [Ctl + 0x080] = "CTL.PITMG0", [Ctl + 0x08C] = "CTL.RFSHCTL0", [Ctl + 0x090] = "CTL.RFSHTMG", [Ctl + 0x0B8] = "CTL.VTFCR",
            [Ctl + 0x0C0] = "CTL.DTCR", [Ctl + 0x120] = "CTL.ODTMAP", [Ctl + 0x140] = "CTL.ZQCR", [Ctl + 0x208] = "CTL.ACIOCR",
            [Ctl + 0x888] = "CTL.UPD2",
            [Ccu + 0x04C] = "CCU.PLL_DDR1_CTRL", [Ccu + 0x320] = "CCU.PLL_LOCK_CTRL",
        };
        for (int i = 0; i < 4; i++)
        {
            names[Ctl + 0x030 + (nuint)i * 4] = $"CTL.MR{i}";
            names[Ctl + 0x100 + (nuint)i * 4] = $"CTL.PGCR{i}";
            names[Ctl + 0x344 + (nuint)i * 0x80] = $"CTL.DX{i}.GCR";
            names[Ctl + 0x348 + (nuint)i * 0x80] = $"CTL.DX{i}.GSR0";
            for (int j = 0; j < 11; j++)
                names[Ctl + 0x310 + (nuint)i * 0x80 + (nuint)j * 4] = $"CTL.DX{i}.BDLR{j}";
        }
        for (int i = 0; i < 6; i++)
            names[Ctl + 0x058 + (nuint)i * 4] = $"CTL.DRAMTMG{i}";
        for (int i = 0; i < 3; i++)
            names[Ctl + 0x148 + (nuint)i * 4] = $"CTL.ZQDR{i}";
        for (int i = 0; i < 31; i++)
            names[Ctl + 0x210 + (nuint)i * 4] = $"CTL.ACBDLR{i}";
        for (int i = 0; i < 16; i++)
        {
            names[Com + 0x010 + (nuint)i * 8] = $"COM.MCR{i}.CFG0";
            names[Com + 0x014 + (nuint)i * 8] = $"COM.MCR{i}.CFG1";
        }
        return names;
    }

    private static string Name(nuint address) =>
        address >= Dram ? $"DRAM+0x{address - Dram:x8}"
        : A64 && address == Ccu + 0x020 ? "CCU.PLL_DDR0_CTRL"
        : Names.TryGetValue(address, out string? name) ? name : $"0x{address:x8}";
}

/// <summary>A clock that moves one millisecond per reading, so every wait and timeout ends.</summary>
public struct DramTestClock : IMonotonicClock
{
    public static long Now;

    public static long Milliseconds => ++Now;
}
