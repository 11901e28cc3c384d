using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Storage;

/// <summary>
/// An SD memory card (SDSC or SDHC/SDXC) on an Allwinner SMHC (hardware/blocks/smhc.yaml),
/// polled, data moved by the controller's internal DMA (IDMAC) through a descriptor chain in
/// caller-provided memory (hardware/blocks/smhc-desc.yaml, at most 64 KiB per descriptor).
/// <para>Life: bus clock, reset, module clock and pins first (<see cref="SmhcClocks{TBus}"/>,
/// <see cref="SdCardPins{TBus}"/>), then <see cref="Initialize"/>, then <see cref="Read"/> and
/// <see cref="Write"/> by 512-byte block number, whatever the card's addressing.</para>
/// The card clock is the module clock divided in the controller (CKCR.CCLK_DIV n divides by 2n,
/// 0 passes it through; H3 manual SMHC_CLKDIV, Linux sunxi_mmc_clk_set_rate): 400 kHz for
/// identification, then at most 25 MHz. Sources: U-Boot drivers/mmc/sunxi_mmc.c (reset, clock
/// update, command flags), Linux drivers/mmc/host/sunxi-mmc.c (IDMAC set-up, error bits), QEMU
/// hw/sd/allwinner-sdhost.c (what the emulator completes, and how: synchronously, with only
/// RESP_ERROR for a missing response); the SD protocol from the SD Simplified Specification.
/// </summary>
public sealed class SmhcSdCard<TBus, TClock, TDma>
    where TBus : IMmio
    where TClock : IMonotonicClock
    where TDma : IDmaMemory
{
    public const int BlockSize = SdProtocol.BlockSize;

    /// <summary>Bytes per IDMAC descriptor (four words).</summary>
    public const int DescriptorSize = 16;

    /// <summary>The most one descriptor moves: its size field is 16 bits, 0 meaning 64 KiB (Linux idma_des_size_bits = 16 on H3/A64).</summary>
    public const int DescriptorBufferLimit = 64 * 1024;

    public const uint IdentificationClockHz = 400_000;
    public const uint TransferClockHz = 25_000_000;

    /// <summary>A command, a clock update or a controller reset: microseconds in practice.</summary>
    public const long CommandTimeoutMilliseconds = 100;

    /// <summary>ACMD41 until power-up is done: the SD spec allows 1 s.</summary>
    public const long PowerUpTimeoutMilliseconds = 1000;

    /// <summary>The data phase of one command (at most descriptor count x 64 KiB), and the busy time after a write (SD spec: 250 ms SDSC, 500 ms SDXC).</summary>
    public const long DataTimeoutMilliseconds = 1000;

    private readonly Smhc<TBus> _smhc;
    private readonly nuint _descriptors;
    private readonly int _descriptorCount;
    private readonly uint _moduleClockHz;
    private uint _relativeAddress;

    /// <param name="smhc">The controller, e.g. <c>H3&lt;DirectMmio&gt;.Smhc0</c>.</param>
    /// <param name="descriptorMemory">Word-aligned memory for <paramref name="descriptorCount"/> descriptors (<see cref="DescriptorMemoryLength"/>) that the DMA can reach.</param>
    /// <param name="descriptorCount">Descriptors per command: one command moves at most this many 64 KiB.</param>
    /// <param name="moduleClockHz">The SMHC module clock as <see cref="SmhcClocks{TBus}"/> set it.</param>
    public SmhcSdCard(Smhc<TBus> smhc, nuint descriptorMemory, int descriptorCount, uint moduleClockHz)
    {
        _smhc = smhc;
        _descriptors = descriptorMemory;
        _descriptorCount = descriptorCount;
        _moduleClockHz = moduleClockHz;
    }

    /// <summary>Block addressing (SDHC/SDXC, OCR CCS set); false: byte addressing (SDSC).</summary>
    public bool HighCapacity { get; private set; }

    /// <summary>Capacity in 512-byte blocks from the CSD; 0 until <see cref="Initialize"/> succeeds.</summary>
    public ulong BlockCount { get; private set; }

    public static nuint DescriptorMemoryLength(int descriptorCount) => (nuint)(descriptorCount * DescriptorSize);

    /// <summary>
    /// Controller reset, card clock at 400 kHz, identification (CMD0, CMD8, ACMD41 until power-up
    /// with HCS, CMD2, CMD3, CMD9 for the capacity, CMD7), 4-bit bus (ACMD6), block length 512 on
    /// SDSC (CMD16), then the transfer clock.
    /// </summary>
    public SdStatus Initialize()
    {
        BlockCount = 0;
        if (_descriptorCount < 1 || (_descriptors & 3) != 0)
            return SdStatus.BadBuffer;
        SdStatus status = ResetController();
        if (status != SdStatus.Ok)
            return status;
        _smhc.Tmor.Write(Smhc.Tmor.Reset); // longest response and data timeouts
        _smhc.Imkr.Write(Smhc.Imkr.Zero); // polled: no interrupts
        _smhc.Bwdr.Write(Smhc.Bwdr.Zero.WithCardWid(Smhc.Bwdr.CardWidValue.Width1));
        status = SetCardClock(IdentificationClockHz);
        if (status != SdStatus.Ok)
            return status;

        // CMD0 after the 74+ clocks the card needs at power-up (SEND_INIT_SEQUENCE, as U-Boot).
        status = Command(Smhc.Cmdr.Zero.WithSendInitSequence(true), SdProtocol.GoIdleState, 0);
        if (status != SdStatus.Ok)
            return status;

        // CMD8: only SD 2.0+ cards answer; they may be high capacity. Silence means SD 1.x.
        bool version2 = Command(ShortResponse, SdProtocol.SendInterfaceCondition, SdProtocol.InterfaceCondition) == SdStatus.Ok;
        if (version2 && (Response0 & SdProtocol.InterfaceConditionEcho) != SdProtocol.InterfaceCondition)
            return SdStatus.UnusableCard;

        uint operatingCondition;
        long deadline = TClock.Milliseconds + PowerUpTimeoutMilliseconds;
        while (true)
        {
            status = Command(ShortResponse, SdProtocol.ApplicationCommand, 0);
            if (status == SdStatus.CommandTimeout)
                return SdStatus.NoCard;
            if (status != SdStatus.Ok)
                return status;
            // R3 carries no CRC (the OCR's CRC field is all ones).
            uint argument = SdProtocol.VoltageWindow | (version2 ? SdProtocol.HighCapacity : 0);
            status = Command(Smhc.Cmdr.Zero.WithRespExpire(true), SdProtocol.SendOperatingCondition, argument);
            if (status != SdStatus.Ok)
                return status;
            operatingCondition = Response0;
            if ((operatingCondition & SdProtocol.PowerUpDone) != 0)
                break;
            if (TClock.Milliseconds >= deadline)
                return SdStatus.BusyTimeout;
        }
        HighCapacity = (operatingCondition & SdProtocol.HighCapacity) != 0;

        status = Command(LongResponse, SdProtocol.AllSendCid, 0);
        if (status == SdStatus.Ok)
            status = Command(ShortResponse, SdProtocol.SendRelativeAddress, 0);
        if (status != SdStatus.Ok)
            return status;
        _relativeAddress = Response0 >> SdProtocol.RelativeAddressShift << SdProtocol.RelativeAddressShift;

        status = Command(LongResponse, SdProtocol.SendCsd, _relativeAddress);
        if (status != SdStatus.Ok)
            return status;
        ulong blocks = CapacityFromCsd();
        if (blocks == 0)
            return SdStatus.UnusableCard;

        status = Command(ShortResponse, SdProtocol.SelectCard, _relativeAddress);
        if (status == SdStatus.Ok)
            status = WaitWhileBusy();
        if (status == SdStatus.Ok)
            status = Command(ShortResponse, SdProtocol.ApplicationCommand, _relativeAddress);
        if (status == SdStatus.Ok)
            status = Command(ShortResponse, SdProtocol.SetBusWidth, SdProtocol.BusWidth4);
        if (status != SdStatus.Ok)
            return status;
        _smhc.Bwdr.Write(Smhc.Bwdr.Zero.WithCardWid(Smhc.Bwdr.CardWidValue.Width4));
        if (!HighCapacity)
        {
            status = Command(ShortResponse, SdProtocol.SetBlockLength, BlockSize);
            if (status != SdStatus.Ok)
                return status;
        }
        status = SetCardClock(TransferClockHz);
        if (status == SdStatus.Ok)
            BlockCount = blocks;
        return status;
    }

    /// <summary>Reads <paramref name="destination"/>.Length / 512 blocks from block <paramref name="block"/> (CMD17, or CMD18 with auto CMD12), straight into it by DMA.</summary>
    public unsafe SdStatus Read(ulong block, Span<byte> destination)
    {
        fixed (byte* buffer = destination)
            return Transfer(block, (nuint)buffer, destination.Length, write: false);
    }

    /// <summary>Writes <paramref name="source"/>.Length / 512 blocks at block <paramref name="block"/> (CMD24, or CMD25 with auto CMD12) and waits until the card has programmed them.</summary>
    public unsafe SdStatus Write(ulong block, ReadOnlySpan<byte> source)
    {
        fixed (byte* buffer = source)
            return Transfer(block, (nuint)buffer, source.Length, write: true);
    }

    /// <summary>R1, R6, R7: 48-bit response with CRC.</summary>
    private static Smhc.Cmdr ShortResponse => Smhc.Cmdr.Zero.WithRespExpire(true).WithCheckResponseCrc(true);

    /// <summary>R2 (CID, CSD): 136-bit response with CRC.</summary>
    private static Smhc.Cmdr LongResponse => ShortResponse.WithLongResponse(true);

    /// <summary>What Linux treats as a failed request (SDXC_INTERRUPT_ERROR_BIT); RISR bits, built with IMKR's identical layout.</summary>
    private static uint ErrorBits => Smhc.Imkr.Zero.WithRespError(true).WithRespCrcError(true).WithDataCrcError(true)
        .WithRespTimeout(true).WithDataTimeout(true).WithFifoRunError(true).WithHardWareLocked(true)
        .WithStartBitError(true).WithEndBitError(true).Raw;

    /// <summary>IDST error bits, built with IDIE's identical layout.</summary>
    private static uint DmaErrorBits => Smhc.Idie.Zero.WithFatalBusErrorEn(true).WithDestinationInvalidEn(true)
        .WithCardErrorSumEn(true).WithAbnormalIntSumEn(true).Raw;

    private uint Response0 => _smhc.Resp0.Read().Raw;

    private SdStatus Transfer(ulong block, nuint buffer, int length, bool write)
    {
        if ((length & (BlockSize - 1)) != 0 || (buffer & 3) != 0)
            return SdStatus.BadBuffer;
        ulong end = block + (ulong)(length >> SdProtocol.BlockShift);
        if (end > BlockCount || end < block)
            return SdStatus.OutOfRange;
        int perCommand = _descriptorCount * DescriptorBufferLimit;
        while (length > 0)
        {
            int chunk = length < perCommand ? length : perCommand;
            SdStatus status = TransferChunk(block, buffer, chunk, write);
            if (status != SdStatus.Ok)
                return status;
            block += (ulong)(chunk >> SdProtocol.BlockShift);
            buffer += (nuint)chunk;
            length -= chunk;
        }
        return SdStatus.Ok;
    }

    private SdStatus TransferChunk(ulong block, nuint buffer, int length, bool write)
    {
        nuint descriptor = _descriptors;
        int remaining = length;
        while (true)
        {
            int size = remaining < DescriptorBufferLimit ? remaining : DescriptorBufferLimit;
            remaining -= size;
            bool last = remaining == 0;
            var entry = new SmhcDesc<DirectMmio>(descriptor);
            // Linux sunxi_mmc_init_idma_des: chained, owned by the IDMAC, interrupt on the last only.
            entry.Config.Write(SmhcDesc.Config.Zero.WithHold(true).WithChain(true).WithDic(!last)
                .WithFirst(descriptor == _descriptors).WithLast(last).WithEndOfRing(last));
            entry.Size.Write(SmhcDesc.Size.Zero.WithBufSize((uint)(size % DescriptorBufferLimit)));
            entry.BufAddr.Write(new SmhcDesc.BufAddr(TDma.DeviceAddress(buffer + (nuint)(length - remaining - size))));
            entry.Next.Write(new SmhcDesc.Next(last ? 0 : TDma.DeviceAddress(descriptor + DescriptorSize)));
            if (last)
                break;
            descriptor += DescriptorSize;
        }
        TDma.CleanForDevice(_descriptors, descriptor + DescriptorSize - _descriptors);
        TDma.CleanForDevice(buffer, (nuint)length);

        // Linux sunxi_mmc_start_dma: DMA on and its interface reset, IDMAC reset, then on with fixed bursts.
        // (Read then Write, not Modify: in the first stage a lambda costs the delegate machinery.)
        _smhc.Gctrl.Write(_smhc.Gctrl.Read().WithDmaEnable(true).WithDmaReset(true));
        _smhc.Dmac.Write(Smhc.Dmac.Zero.WithIdmacReset(true));
        _smhc.Idst.Clear(new Smhc.Idst(uint.MaxValue));
        _smhc.Dlba.Write(new Smhc.Dlba(TDma.DeviceAddress(_descriptors)));
        _smhc.Dmac.Write(Smhc.Dmac.Zero.WithFixBurst(true).WithIdmaOn(true));
        _smhc.Bksr.Write(Smhc.Bksr.Zero.WithBlkSz(BlockSize));
        _smhc.Bycr.Write(new Smhc.Bycr((uint)length));

        bool multiple = length > BlockSize;
        uint index = write
            ? (multiple ? SdProtocol.WriteMultipleBlock : SdProtocol.WriteBlock)
            : (multiple ? SdProtocol.ReadMultipleBlock : SdProtocol.ReadSingleBlock);
        uint address = HighCapacity ? (uint)block : (uint)(block << SdProtocol.BlockShift);
        var flags = ShortResponse.WithDataExpire(true).WithWaitPreOver(true).WithWrite(write).WithSendAutoStop(multiple);
        SdStatus status = Command(flags, index, address);
        if (status == SdStatus.Ok && (Response0 & SdProtocol.AddressErrors) != 0)
            status = SdStatus.OutOfRange;
        if (status == SdStatus.Ok)
        {
            uint done = Smhc.Imkr.Zero.WithDataOver(true).WithAutoCommandDone(multiple).Raw;
            status = WaitForInterrupt(done, DataTimeoutMilliseconds, SdStatus.DataTimeout, checkDma: true);
        }
        if (status == SdStatus.Ok && write)
            status = WaitWhileBusy();
        if (!write)
            TDma.InvalidateForCpu(buffer, (nuint)length);
        if (status != SdStatus.Ok)
        {
            // Back to a known state (U-Boot resets after any failed request), and the card back to
            // "transfer" if a multiple-block command was left running.
            ResetController();
            SetCardClock(TransferClockHz);
            if (multiple)
                Command(ShortResponse.WithStopAbortCmd(true), SdProtocol.StopTransmission, 0);
        }
        return status;
    }

    /// <summary>Sends a command and waits for COMMAND_DONE; the response is in RESP0-3.</summary>
    private SdStatus Command(Smhc.Cmdr flags, uint index, uint argument)
    {
        _smhc.Risr.Clear(new Smhc.Risr(uint.MaxValue));
        _smhc.Cagr.Write(new Smhc.Cagr(argument));
        _smhc.Cmdr.Write(flags.WithCmdIdx(index).WithStart(true));
        SdStatus status = WaitForInterrupt(Smhc.Imkr.Zero.WithCommandDone(true).Raw, CommandTimeoutMilliseconds, SdStatus.CommandTimeout, checkDma: false);
        if (status != SdStatus.Ok && !flags.DataExpire)
        {
            // U-Boot resets the controller after a failed command; the card clock setting survives.
            ResetController();
            UpdateCardClock();
        }
        return status;
    }

    private SdStatus WaitForInterrupt(uint done, long timeoutMilliseconds, SdStatus timeout, bool checkDma)
    {
        long deadline = TClock.Milliseconds + timeoutMilliseconds;
        while (true)
        {
            var raw = _smhc.Risr.Read();
            if ((raw.Raw & ErrorBits) != 0)
            {
                if (raw.RespTimeout || raw.RespError)
                    return SdStatus.CommandTimeout;
                if (raw.DataTimeout)
                    return SdStatus.DataTimeout;
                if (raw.FifoRunError || raw.HardWareLocked)
                    return SdStatus.DmaError;
                return SdStatus.CrcError;
            }
            if ((raw.Raw & done) == done)
                return SdStatus.Ok;
            if (checkDma && (_smhc.Idst.Read().Raw & DmaErrorBits) != 0)
                return SdStatus.DmaError;
            if (TClock.Milliseconds >= deadline)
                return timeout;
        }
    }

    /// <summary>Waits while the card holds DATA0 low (R1b commands, programming after a write).</summary>
    private SdStatus WaitWhileBusy()
    {
        long deadline = TClock.Milliseconds + DataTimeoutMilliseconds;
        while (_smhc.Star.Read().CardDataBusy)
        {
            if (TClock.Milliseconds >= deadline)
                return SdStatus.BusyTimeout;
        }
        return SdStatus.Ok;
    }

    /// <summary>Soft, FIFO and DMA reset; the bits clear themselves when done (Linux sunxi_mmc_reset_host).</summary>
    private SdStatus ResetController()
    {
        _smhc.Gctrl.Write(Smhc.Gctrl.Zero.WithSoftReset(true).WithFifoReset(true).WithDmaReset(true));
        long deadline = TClock.Milliseconds + CommandTimeoutMilliseconds;
        while (true)
        {
            var control = _smhc.Gctrl.Read();
            if (!control.SoftReset && !control.FifoReset && !control.DmaReset)
                return SdStatus.Ok;
            if (TClock.Milliseconds >= deadline)
                return SdStatus.ControllerTimeout;
        }
    }

    /// <summary>Card clock off, new divider, on; each change is loaded by an update-clock command (U-Boot mmc_config_clock).</summary>
    private SdStatus SetCardClock(uint hz)
    {
        uint divider = _moduleClockHz <= hz ? 0 : (_moduleClockHz + 2 * hz - 1) / (2 * hz);
        _smhc.Ckcr.Write(Smhc.Ckcr.Zero);
        SdStatus status = UpdateCardClock();
        if (status != SdStatus.Ok)
            return status;
        _smhc.Ckcr.Write(Smhc.Ckcr.Zero.WithCclkDiv(divider).WithCclkEnable(true));
        return UpdateCardClock();
    }

    /// <summary>CMDR with UPCLK_ONLY: the controller takes CKCR and clears START (U-Boot mmc_update_clk).</summary>
    private SdStatus UpdateCardClock()
    {
        _smhc.Cmdr.Write(Smhc.Cmdr.Zero.WithUpclkOnly(true).WithWaitPreOver(true).WithStart(true));
        long deadline = TClock.Milliseconds + CommandTimeoutMilliseconds;
        while (_smhc.Cmdr.Read().Start)
        {
            if (TClock.Milliseconds >= deadline)
                return SdStatus.ControllerTimeout;
        }
        _smhc.Risr.Clear(new Smhc.Risr(uint.MaxValue));
        return SdStatus.Ok;
    }

    /// <summary>
    /// Capacity in blocks from the CSD in RESP3..RESP0 (RESP3 holds CSD bits 127:96; SD spec 5.3):
    /// version 1 (SDSC) (C_SIZE + 1) x 2^(C_SIZE_MULT + 2) blocks of 2^READ_BL_LEN bytes; version 2
    /// (SDHC/SDXC) (C_SIZE + 1) x 512 KiB. 0 for an unknown CSD structure.
    /// </summary>
    private ulong CapacityFromCsd()
    {
        uint structure = CsdBits(126, 2);
        if (structure == 1)
            return (ulong)(CsdBits(48, 22) + 1) << 10;
        if (structure != 0)
            return 0;
        int shift = (int)CsdBits(47, 3) + 2 + (int)CsdBits(80, 4) - SdProtocol.BlockShift;
        return shift < 0 ? 0 : (ulong)(CsdBits(62, 12) + 1) << shift;
    }

    /// <summary><paramref name="width"/> (at most 32) bits of the long response from bit <paramref name="lowest"/>.</summary>
    private uint CsdBits(int lowest, int width)
    {
        int word = lowest >> 5;
        ulong pair = ResponseWord(word) | (ulong)ResponseWord(word + 1) << 32;
        return (uint)(pair >> (lowest & 31)) & (uint)((1UL << width) - 1);
    }

    private uint ResponseWord(int index) => index switch
    {
        0 => _smhc.Resp0.Read().Raw,
        1 => _smhc.Resp1.Read().Raw,
        2 => _smhc.Resp2.Read().Raw,
        3 => _smhc.Resp3.Read().Raw,
        _ => 0,
    };
}
