using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// The sun8i EMAC of the H3 and A64 (hardware/blocks/emac-sun8i.yaml), polled, its receive and
/// transmit interrupts raised for a caller that sleeps (<see cref="Interrupts"/>): descriptor rings
/// in caller-provided memory, one buffer per descriptor, one frame per buffer.
/// <para>Life: <see cref="Start"/> (soft reset, MAC address and filter, rings, DMA, PHY reset and
/// auto-negotiation started), then <see cref="PollLink"/> until <see cref="Link"/> is up (it
/// programs speed and duplex and enables the receiver and transmitter), then
/// <see cref="TryReceive"/> (with <see cref="Release"/>) and <see cref="Send"/>.</para>
/// Sources: U-Boot drivers/net/sun8i_emac.c (sequence, ring layout), Linux dwmac-sun8i.c (address
/// filters), QEMU hw/net/allwinner-sun8i-emac.c (what the emulator does with each register).
/// <para>Frames are spans: received ones lent in place from the receive ring, sent ones the
/// caller's, copied into the transmit ring; a board adapts the driver to the stack's device
/// interface (src/Boards/*/BoardNetwork.cs).</para>
/// </summary>
public sealed class EmacDriver<TBus, TClock, TDma>
    where TBus : IMmio
    where TClock : IMonotonicClock
    where TDma : IDmaMemory
{
    /// <summary>
    /// The interrupts enabled (INT_EN): a frame received, a frame sent (its descriptor back).
    /// The EMAC's line is level, high while INT_STA and INT_EN share a bit (QEMU
    /// allwinner_sun8i_emac_update_irq; H3 manual, EMAC INT_STA); <see cref="AcknowledgeInterrupts"/>
    /// drops it. The driver itself still polls the rings: the interrupt only wakes a sleeping CPU.
    /// </summary>
    public static EmacSun8i.IntEn Interrupts => EmacSun8i.IntEn.Zero.WithRxIntEn(true).WithTxIntEn(true);

    /// <summary>U-Boot waits 10 ms for the soft reset; allow more on a slow bus clock.</summary>
    public const long ResetTimeoutMilliseconds = 100;

    /// <summary>Exact-match filter slots besides our own address: ADDR1 to ADDR7.</summary>
    public const int MulticastFilterSlots = 7;

    /// <summary>The DMA burst length Linux and U-Boot use (beats).</summary>
    private const uint BurstLength = 8;

    /// <summary>Ethernet's frame check sequence: the DMA counts it in a received frame's length (STRIP_FCS is off).</summary>
    private const int FcsLength = 4;

    private readonly EmacSun8i<TBus> _emac;
    private readonly EmacRingMemory _memory;
    private readonly uint _phy;
    private readonly bool _gigabit;
    private int _receiveNext;
    private int _transmitNext;
    private int _transmitOldest;
    private int _transmitInFlight;
    private bool _started;
    private bool _lent;

    /// <param name="emac">The EMAC, e.g. <c>H3&lt;DirectMmio&gt;.Emac</c>.</param>
    /// <param name="memory">Ring memory, made at start-up (<see cref="EmacRingMemory.RequiredLength"/>).</param>
    /// <param name="phyAddress">The PHY's MDIO address (1 on the Orange Pi PC's internal PHY, on QEMU and on the Pine64+'s RTL8211E).</param>
    /// <param name="gigabit">Advertise and resolve 1000BASE-T (external RGMII PHY on the A64).</param>
    public EmacDriver(EmacSun8i<TBus> emac, EmacRingMemory memory, uint phyAddress, bool gigabit)
    {
        _emac = emac;
        _memory = memory;
        _phy = phyAddress;
        _gigabit = gigabit;
    }

    public PhyLink Link { get; private set; }

    public EthernetAddress Address { get; private set; }

    /// <summary>Received frames dropped: errors, or split over buffers.</summary>
    public ulong ReceiveErrors { get; private set; }

    /// <summary>Times the DMA was found filling the ring somewhere other than where the driver expected the next frame (it follows).</summary>
    public ulong ReceiveResyncs { get; private set; }

    /// <summary>Sends refused because every transmit descriptor was still owned by the DMA.</summary>
    public ulong TransmitRingFull { get; private set; }

    /// <summary>Frames handed to the DMA so far.</summary>
    public ulong Transmitted { get; private set; }

    /// <summary>True once the link came up and the MAC's receiver and transmitter are on.</summary>
    public bool Running { get; private set; }

    /// <summary>
    /// Soft reset, DMA set-up, our address plus <paramref name="multicastGroups"/> in the filter,
    /// rings handed to the DMA, PHY reset and auto-negotiation started. Does not wait for the link.
    /// </summary>
    public EmacStatus Start(EthernetAddress address, ReadOnlySpan<EthernetAddress> multicastGroups)
    {
        Running = false;
        Link = PhyLink.Down;
        if (!_memory.IsValid)
            return EmacStatus.BadRingMemory;

        _emac.BasicCtl1.Write(EmacSun8i.BasicCtl1.Zero.WithSoftRst(true));
        long deadline = TClock.Milliseconds + ResetTimeoutMilliseconds;
        while (_emac.BasicCtl1.Read().SoftRst)
        {
            if (TClock.Milliseconds >= deadline)
                return EmacStatus.ResetTimeout;
        }

        _emac.BasicCtl1.Write(EmacSun8i.BasicCtl1.Zero.WithBurstLen(BurstLength));
        AcknowledgeInterrupts(_emac); // nothing left over from before the reset
        _emac.IntEn.Write(Interrupts);
        SetFilter(address, multicastGroups);
        InitializeRings();
        _emac.TxDmaDescList.Write(new EmacSun8i.TxDmaDescList(TDma.DeviceAddress(_memory.TransmitDescriptor(0))));
        _emac.RxDmaDescList.Write(new EmacSun8i.RxDmaDescList(TDma.DeviceAddress(_memory.ReceiveDescriptor(0))));
        // Whole frames through the FIFOs (store and forward) in both directions.
        _emac.TxCtl1.Write(EmacSun8i.TxCtl1.Zero.WithTxMd(true).WithTxDmaEn(true));
        _emac.RxCtl1.Write(EmacSun8i.RxCtl1.Zero.WithRxMd(true).WithRxDmaEn(true));
        _started = true;

        EmacStatus status = MdioBus<TBus, TClock>.ResetPhy(_emac, _phy);
        if (status != EmacStatus.Ok)
            return status;
        return MdioBus<TBus, TClock>.StartAutoNegotiation(_emac, _phy, _gigabit);
    }

    /// <summary>
    /// Quiesces the EMAC before its ring memory is handed to someone else (a kernel): receiver
    /// and transmitter off, both DMA engines stopped, so nothing more is written to memory.
    /// <see cref="Start"/> brings it back.
    /// </summary>
    public void Stop()
    {
        Disable();
        _emac.IntEn.Write(EmacSun8i.IntEn.Zero);
        _emac.RxCtl1.Write(EmacSun8i.RxCtl1.Zero);
        _emac.TxCtl1.Write(EmacSun8i.TxCtl1.Zero);
        _started = false;
    }

    /// <summary>
    /// Reads the PHY once. When the link is up and was not, sets BASIC_CTL0's speed and duplex and
    /// turns the receiver and transmitter on; when it went down, turns them off.
    /// </summary>
    public EmacStatus PollLink()
    {
        EmacStatus status = MdioBus<TBus, TClock>.ReadLink(_emac, _phy, _gigabit, out PhyLink link);
        if (status != EmacStatus.Ok)
            return status;
        if (link.Up && !Running && _started)
            Enable(link);
        else if (!link.Up && Running)
            Disable();
        Link = link;
        return EmacStatus.Ok;
    }

    /// <summary>Polls the PHY until the link is up or <paramref name="timeoutMilliseconds"/> have passed (<see cref="EmacStatus.LinkDown"/>).</summary>
    public EmacStatus WaitForLink(long timeoutMilliseconds)
    {
        long deadline = TClock.Milliseconds + timeoutMilliseconds;
        while (true)
        {
            EmacStatus status = PollLink();
            if (status != EmacStatus.Ok)
                return status;
            if (Running)
                return EmacStatus.Ok;
            if (TClock.Milliseconds >= deadline)
                return EmacStatus.LinkDown;
        }
    }

    /// <summary>
    /// The receive filter: <paramref name="address"/> in ADDR0, each group in one of ADDR1-7 (as
    /// Linux's dwmac-sun8i does); with more groups than slots, every multicast frame is taken
    /// (RX_ALL_MULTICAST) and the stack filters. Broadcast is always received.
    /// </summary>
    public void SetFilter(EthernetAddress address, ReadOnlySpan<EthernetAddress> multicastGroups)
    {
        Address = address;
        ulong value = address.Value;
        _emac.Addr0High.Write(EmacSun8i.Addr0High.Zero.WithMacAddrHigh(AddressHigh(value)));
        _emac.Addr0Low.Write(new EmacSun8i.Addr0Low(AddressLow(value)));
        bool allMulticast = multicastGroups.Length > MulticastFilterSlots;
        for (int slot = 0; slot < MulticastFilterSlots; slot++)
        {
            var entry = _emac.Addrx(slot);
            if (allMulticast || slot >= multicastGroups.Length)
            {
                entry.High.Write(EmacSun8i.AddrxValues.High.Zero);
                entry.Low.Write(EmacSun8i.AddrxValues.Low.Zero);
                continue;
            }
            ulong group = multicastGroups[slot].Value;
            entry.High.Write(EmacSun8i.AddrxValues.High.Zero.WithMacAddrHigh(AddressHigh(group)).WithMacAddrCtl(true));
            entry.Low.Write(new EmacSun8i.AddrxValues.Low(AddressLow(group)));
        }
        _emac.RxFrmFlt.Write(EmacSun8i.RxFrmFlt.Zero.WithRxAllMulticast(allMulticast));
    }

    /// <summary>
    /// Lends the next good received frame (FCS removed) in place: <paramref name="frame"/> spans its
    /// receive buffer, whose descriptor stays with the CPU until <see cref="Release"/>. Frames with
    /// errors are counted and given back on the way. False when none is waiting.
    /// </summary>
    public bool TryReceive(out Span<byte> frame)
    {
        frame = default;
        if (!_started)
            return false;
        for (int tries = 0; tries < _memory.ReceiveCount; tries++)
        {
            nuint descriptorAddress = _memory.ReceiveDescriptor(_receiveNext);
            TDma.InvalidateForCpu(descriptorAddress, EmacRingMemory.DescriptorSize);
            var status = new EmacSun8iDesc<DirectMmio>(descriptorAddress).RxStatus.Read();
            if (status.Own)
            {
                // Empty where the next frame should be. The DMA may have gone on elsewhere in the
                // ring: QEMU's model goes back to the head whenever it finds the ring full
                // (allwinner_sun8i_emac_receive), and then waits on a frame we would never read.
                if (!TryFindFilledDescriptor())
                    return false;
                continue;
            }
            int length = (int)status.FrmLen - FcsLength;
            if (status.First && status.Last && !status.CrcErr && !status.LengthErr && !status.NoBuf
                && length > 0 && length <= EmacRingMemory.BufferSize)
            {
                nuint buffer = _memory.ReceiveBuffer(_receiveNext);
                TDma.InvalidateForCpu(buffer, (nuint)length);
                unsafe
                {
                    frame = new Span<byte>((void*)buffer, length);
                }
                _lent = true;
                return true;
            }
            ReceiveErrors++;
            GiveBackReceived();
        }
        return false;
    }

    /// <summary>Gives the frame <see cref="TryReceive"/> lent back to the DMA; nothing when none is lent.</summary>
    public void Release()
    {
        if (!_lent)
            return;
        _lent = false;
        // The stack may have written into the frame: drop those lines before the DMA fills the
        // buffer again, or their write-back would land over the next frame.
        TDma.InvalidateForCpu(_memory.ReceiveBuffer(_receiveNext), EmacRingMemory.BufferStride);
        GiveBackReceived();
    }

    /// <summary>Copies <paramref name="frame"/> into the next free transmit buffer and starts the DMA; false when the ring is full, the frame too big, or not started.</summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (!_started || frame.Length == 0 || frame.Length > EmacRingMemory.BufferSize)
            return false;
        ReclaimTransmitted();
        if (_transmitInFlight == _memory.TransmitCount)
        {
            TransmitRingFull++;
            return false;
        }
        nuint buffer = _memory.TransmitBuffer(_transmitNext);
        unsafe
        {
            frame.CopyTo(new Span<byte>((void*)buffer, frame.Length));
        }
        TDma.CleanForDevice(buffer, (nuint)frame.Length);
        nuint descriptorAddress = _memory.TransmitDescriptor(_transmitNext);
        var descriptor = new EmacSun8iDesc<DirectMmio>(descriptorAddress);
        // No checksum offload: the stack fills every sum, and QEMU's offload does IPv4 only.
        descriptor.TxCtlSize.Write(EmacSun8iDesc.TxCtlSize.Zero
            .WithBufSize((uint)frame.Length).WithFirst(true).WithLast(true));
        // OWN last: the DMA may take the descriptor the moment it sees it.
        descriptor.TxStatus.Write(EmacSun8iDesc.TxStatus.Zero.WithOwn(true));
        TDma.CleanForDevice(descriptorAddress, EmacRingMemory.DescriptorSize);
        _transmitNext = _transmitNext + 1 == _memory.TransmitCount ? 0 : _transmitNext + 1;
        _transmitInFlight++;
        Transmitted++;
        _emac.TxCtl1.Write(_emac.TxCtl1.Read().WithTxDmaEn(true).WithTxDmaStart(true));
        return true;
    }

    /// <summary>
    /// Clears the interrupt status bits that are set (INT_STA is write-1-to-clear), which drops
    /// the EMAC's interrupt line; returns them. Static, for an interrupt handler that has the
    /// registers but not the driver. A frame that arrives afterwards sets INT_STA.RX again.
    /// </summary>
    public static EmacSun8i.IntSta AcknowledgeInterrupts(EmacSun8i<TBus> emac)
    {
        var status = emac.IntSta.Read();
        if (status.Raw != 0)
            emac.IntSta.Clear(status);
        return status;
    }

    /// <summary>Transmit descriptors still owned by the DMA (sent frames are counted back on the next <see cref="Send"/> or here).</summary>
    public int TransmitPending()
    {
        ReclaimTransmitted();
        return _transmitInFlight;
    }

    private void ReclaimTransmitted()
    {
        while (_transmitInFlight > 0)
        {
            nuint descriptorAddress = _memory.TransmitDescriptor(_transmitOldest);
            TDma.InvalidateForCpu(descriptorAddress, EmacRingMemory.DescriptorSize);
            if (new EmacSun8iDesc<DirectMmio>(descriptorAddress).TxStatus.Read().Own)
                return;
            _transmitOldest = _transmitOldest + 1 == _memory.TransmitCount ? 0 : _transmitOldest + 1;
            _transmitInFlight--;
        }
    }

    private void InitializeRings()
    {
        for (int i = 0; i < _memory.ReceiveCount; i++)
        {
            nuint address = _memory.ReceiveDescriptor(i);
            var descriptor = new EmacSun8iDesc<DirectMmio>(address);
            descriptor.BufAddr.Write(new EmacSun8iDesc.BufAddr(TDma.DeviceAddress(_memory.ReceiveBuffer(i))));
            descriptor.Next.Write(new EmacSun8iDesc.Next(TDma.DeviceAddress(_memory.ReceiveDescriptor(i + 1 == _memory.ReceiveCount ? 0 : i + 1))));
            GiveToDma(descriptor, address);
            TDma.InvalidateForCpu(_memory.ReceiveBuffer(i), EmacRingMemory.BufferStride);
        }
        for (int i = 0; i < _memory.TransmitCount; i++)
        {
            nuint address = _memory.TransmitDescriptor(i);
            var descriptor = new EmacSun8iDesc<DirectMmio>(address);
            descriptor.TxStatus.Write(EmacSun8iDesc.TxStatus.Zero);
            descriptor.TxCtlSize.Write(EmacSun8iDesc.TxCtlSize.Zero);
            descriptor.BufAddr.Write(new EmacSun8iDesc.BufAddr(TDma.DeviceAddress(_memory.TransmitBuffer(i))));
            descriptor.Next.Write(new EmacSun8iDesc.Next(TDma.DeviceAddress(_memory.TransmitDescriptor(i + 1 == _memory.TransmitCount ? 0 : i + 1))));
            TDma.CleanForDevice(address, EmacRingMemory.DescriptorSize);
        }
        _receiveNext = 0;
        _lent = false;
        _transmitNext = 0;
        _transmitOldest = 0;
        _transmitInFlight = 0;
    }

    /// <summary>Hands the descriptor at <see cref="_receiveNext"/> back to the DMA, moves on, and tells the DMA.</summary>
    private void GiveBackReceived()
    {
        nuint address = _memory.ReceiveDescriptor(_receiveNext);
        GiveToDma(new EmacSun8iDesc<DirectMmio>(address), address);
        _receiveNext = _receiveNext + 1 == _memory.ReceiveCount ? 0 : _receiveNext + 1;
        ResumeReceive();
    }

    private static void GiveToDma(EmacSun8iDesc<DirectMmio> descriptor, nuint address)
    {
        descriptor.RxCtlSize.Write(EmacSun8iDesc.RxCtlSize.Zero.WithBufSize(EmacRingMemory.BufferSize));
        descriptor.RxStatus.Write(EmacSun8iDesc.RxStatus.Zero.WithOwn(true));
        TDma.CleanForDevice(address, EmacRingMemory.DescriptorSize);
    }

    /// <summary>
    /// Moves <see cref="_receiveNext"/> to the first filled descriptor after it, if any, and
    /// counts it in <see cref="ReceiveResyncs"/>.
    /// </summary>
    private bool TryFindFilledDescriptor()
    {
        for (int step = 1; step < _memory.ReceiveCount; step++)
        {
            int index = (_receiveNext + step) % _memory.ReceiveCount;
            nuint address = _memory.ReceiveDescriptor(index);
            TDma.InvalidateForCpu(address, EmacRingMemory.DescriptorSize);
            if (!new EmacSun8iDesc<DirectMmio>(address).RxStatus.Read().Own)
            {
                _receiveNext = index;
                ReceiveResyncs++;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Tells the receive DMA there are buffers again. Needed on QEMU with a TAP: it stops reading
    /// the TAP while no descriptor is free and resumes only on a write of RX_CTL1 with RX_DMA_EN
    /// (../shared/refs/qemu-h3.md, section 6); on the chip it restarts a suspended DMA.
    /// </summary>
    private void ResumeReceive() =>
        _emac.RxCtl1.Write(EmacSun8i.RxCtl1.Zero.WithRxMd(true).WithRxDmaEn(true).WithRxDmaStart(true));

    private void Enable(PhyLink link)
    {
        var speed = link.SpeedMbps switch
        {
            1000 => EmacSun8i.BasicCtl0.SpeedValue.Speed1000,
            100 => EmacSun8i.BasicCtl0.SpeedValue.Speed100,
            _ => EmacSun8i.BasicCtl0.SpeedValue.Speed10,
        };
        _emac.BasicCtl0.Write(EmacSun8i.BasicCtl0.Zero.WithSpeed(speed).WithDuplex(link.FullDuplex));
        _emac.RxCtl0.Write(EmacSun8i.RxCtl0.Zero.WithRxEn(true));
        _emac.TxCtl0.Write(EmacSun8i.TxCtl0.Zero.WithTxEn(true));
        ResumeReceive();
        Running = true;
    }

    private void Disable()
    {
        _emac.RxCtl0.Write(EmacSun8i.RxCtl0.Zero);
        _emac.TxCtl0.Write(EmacSun8i.TxCtl0.Zero);
        Running = false;
    }

    /// <summary>Bytes 5 and 4 of an address (byte 0 sent first) as ADDRn_HIGH wants them: byte 5 in 15:8.</summary>
    private static uint AddressHigh(ulong value) => (uint)(((value & 0xFF) << 8) | ((value >> 8) & 0xFF));

    /// <summary>Bytes 3 to 0, byte 0 in 7:0 (U-Boot sun8i_eth_write_hwaddr).</summary>
    private static uint AddressLow(ulong value) =>
        (uint)(((value >> 40) & 0xFF) | ((value >> 32) & 0xFF) << 8 | ((value >> 24) & 0xFF) << 16 | ((value >> 16) & 0xFF) << 24);
}
