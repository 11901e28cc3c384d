using System.Runtime;
using System.Threading;
using Unikernel.Boot.Image;
using Unikernel.Boot.Image.Signing;
using Unikernel.Boot.Netboot;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Netboot;
using Unikernel.Netboot.Web;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The bootloader proper (on the Allwinner boards the second stage, in DRAM): banner, the
/// board's bring-up with a status line per step, Ethernet, then the network stack (link-local
/// IPv6, SLAAC, DHCPv4) with the upload service on TCP 1337; a good kernel is jumped to. Between
/// turns of its loop it sleeps (wfi) until the Ethernet's interrupt or its next deadline.
/// </summary>
internal static class Program
{
    /// <summary>
    /// Per connection: the window (RFC 7323 window scaling). Far above a LAN's bandwidth-delay
    /// product, and below what the Ethernet's receive ring holds in full segments (BoardEmac), so
    /// an upload never fills the ring.
    /// </summary>
    private const int ReceiveBuffer = 256 * 1024;

    /// <summary>How long after the last frame the loop keeps looking before it sleeps: a few of an upload's round trips.</summary>
    private const long BusyPollMicroseconds = 2000;

    /// <summary>The core that hashes payloads behind core 0 (<see cref="HashingCore"/>).</summary>
    private const int HashingCoreNumber = 1;

    /// <summary>The SGI that wakes it (SGI 0 is qemu-virt's pen release).</summary>
    private const uint HashingWakeSgi = 1;

    /// <summary>How long core 0 waits for the hashing core to write its caches back before a jump to a kernel.</summary>
    private const long HashingLeaveMilliseconds = 100;

    private static HashingCore? s_hashing;
    private static bool s_hashingSleeps;

    /// <summary>
    /// Where core 1 says it has left, written after its caches are off, so straight to memory: a
    /// cache line of its own, which core 0 never writes and drops from its cache before each look
    /// (a line core 0 had dirty would, written back, cover the word).
    /// </summary>
    private static unsafe uint* s_hashingLeft;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        Banner.Print();
        if (!Board.BringUp(out AddressRange dram) || !BoardNetwork.TryStart(out BoardNetwork network))
        {
            Board.AfterFatalError();
            return;
        }
        MacAddress mac = network.Mac;

        var configuration = NetworkConfiguration.Default;
        configuration.Dhcp = true;
        // The upload on 1337, the discard service, and the web page's connections with room to spare.
        configuration.TcpConnections = 8;
        configuration.TcpReceiveBuffer = ReceiveBuffer;
        // Each boot differs: the counter's low bits at this point vary with PHY and DHCP timing.
        ulong entropy = GenericTimer.Counter ^ mac.Value << 16;
        configuration.Seed = (uint)entropy;
        configuration.TcpSecret0 ^= entropy;
        configuration.TcpSecret1 ^= entropy * 0x9E37_79B9_7F4A_7C15;
        var stack = new NetworkInterface(mac, configuration);
        StatusLine<Board>.Ok("IPv6 "u8);
        AddressText<Board>.Write(NetworkInterface.LinkLocalFromMac(mac));
        ConsoleText<Board>.WriteLine(" (link-local)"u8);

        var runner = new NetworkRunner<BoardNetwork>(network, stack);
        // The kernel must not overwrite the bootloader: its image and its RAM (heap, buffers, stack).
        ref readonly ImageLayout image = ref Kernel.Image;
        var forbidden = new AddressRange[]
        {
            new AddressRange(image.ImageStart, image.ImageEnd - image.ImageStart),
            new AddressRange(image.RamStart, image.RamEnd - image.RamStart),
        };
        var receiver = new KernelReceiver<PhysicalMemory>(dram, forbidden, default);
        // Linux (version 2 images): the board's kind only, its device tree edited on the board,
        // and started through the board's secure monitor (Board.StartLinux).
        receiver.StartsLinux = true;
        receiver.LinuxProtocol = Board.LinuxProtocol;
        receiver.EditsDeviceTree = true;
        // A bootloader built with a public key (board file or ./unikernel build --key) takes signed images only.
        if (BootSigning.PublicKey.Length == Ed25519.PublicKeyLength)
        {
            var key = new byte[Ed25519.PublicKeyLength];
            BootSigning.PublicKey.CopyTo(key);
            receiver.PublicKey = key;
        }
        // Two doors to the one receiver: port 1337 and the web page, one upload at a time.
        var slot = new UploadSlot();
        var history = new UploadHistory();
        var service = new NetbootService<PhysicalMemory, NetbootConsole<Board>>(stack, receiver, new NetbootConsole<Board>(receiver), slot, history);
        if (!service.IsListening)
            Kernel.Panic("netboot: cannot listen on TCP port 1337"u8);
        ConsoleText<Board>.WriteLine("netboot: listening on TCP port 1337 (IPv6 and IPv4)"u8);
        // A bootloader built with a public key (board file or ./unikernel build --key) says so.
        if (BootSigning.PublicKey.Length == Ed25519.PublicKeyLength)
        {
            ConsoleText<Board>.Write("netboot: signed images only (key "u8);
            ConsoleText<Board>.WriteHex(BootSigning.PublicKey.Slice(0, 4));
            ConsoleText<Board>.WriteLine("…)"u8);
        }
        var web = new WebPageService<PhysicalMemory, WebPageBoard>(stack, receiver, slot, history, dram.Length);
        if (web.IsListening)
            ConsoleText<Board>.WriteLine("netboot: web page on TCP port 80 (status, and PUT /upload)"u8);
        // RFC 863 on port 9: our TCP receive without the upload's hash and copy (`unikernel bench --netboot`).
        var discard = new DiscardService<DiscardConsole<Board>>(stack, default);

        bool sleeps = StartInterrupts();
        receiver.HashBehind(StartHashingCore(sleeps));
        long lastFrameAt = 0;
        while (true)
        {
            Board.Service();
            int received = runner.Step<GenericTimerClock>();
            while (stack.TryTakeEvent(out var change))
                InterfaceEventText<Board>.Write(change);
            discard.Step(GenericTimerClock.Milliseconds);
            if (service.Step(GenericTimerClock.Milliseconds) | web.Step(GenericTimerClock.Milliseconds))
            {
                runner.Step<GenericTimerClock>();
                network.Stop();
                StopHashingCore();
                if (sleeps)
                    StopInterrupts();
                // Version 1, or version 2's kernel part with its other parts already in place.
                if (receiver.Protocol != BootProtocol.Unikernel)
                    Board.StartLinux((nuint)receiver.EntryPoint, (nuint)receiver.DeviceTreeAddress);
                Board.StartKernel((nuint)receiver.KernelLoadAddress, (nuint)receiver.KernelLength, (nuint)receiver.EntryPoint);
            }
            // Frames came: more may be waiting, and sleeping would only delay them. Within a
            // moment of the last frame (an upload's next burst), keep looking too: waking a
            // sleeping core costs more than the gap between bursts (NAPI's busy polling).
            if (received > 0)
                lastFrameAt = GenericTimer.Microseconds;
            else if (sleeps && GenericTimer.Microseconds - lastFrameAt > BusyPollMicroseconds)
            {
                // The device's interrupt dropped, then one more look: a frame that came before
                // the acknowledgement is found now, one after it raises the interrupt again and
                // wakes the sleep. Only here, not every turn: each is two device-register
                // accesses, which under QEMU cost an upload a quarter of its rate.
                BoardNetwork.AcknowledgeInterrupt();
                if (runner.Step<GenericTimerClock>() == 0)
                    SleepUntil(Earliest(stack.NextPollAt, Earliest(service.NextStepAt, discard.NextStepAt, web.NextStepAt), Board.ServiceDueAt));
            }
        }
    }

    /// <summary>
    /// Interrupts for the main loop, still masked: the GIC set up with its dispatch as the IRQ
    /// handler, the deadline timer, and the Ethernet device's interrupt. False where the loop
    /// polls instead: a device with no interrupt wired, or the image built with
    /// NetbootLoop=polling (the comparison `unikernel bench --idle` makes).
    /// </summary>
    private static unsafe bool StartInterrupts()
    {
#if NETBOOT_POLLING
        StatusLine<Board>.Skip("interrupts: polling (built with NetbootLoop=polling)"u8);
        ConsoleText<Board>.WriteLine();
        return false;
#else
        uint device = BoardNetwork.InterruptId;
        if (device == 0)
            return false;
        Interrupts.Disable();
        var gic = Board.Gic;
        uint lines = gic.Initialize();
        Interrupts.SetHandler(&DispatchInterrupts);
        if (!DeadlineTimer.Start(gic) || !InterruptHandlers.Register(device, &OnNetworkInterrupt) || !gic.Enable(device))
        {
            StatusLine<Board>.Fail("interrupts: the GIC does not manage the timer's or the Ethernet's interrupt; polling"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        // Once unmasked and masked again: on AArch64 this also routes IRQs to EL3 (SCR_EL3.IRQ).
        Interrupts.Enable();
        Interrupts.Disable();
        StatusLine<Board>.Ok("interrupts: GIC "u8);
        ConsoleText<Board>.WriteDecimal(lines);
        ConsoleText<Board>.Write(" lines, Ethernet on "u8);
        ConsoleText<Board>.WriteDecimal(device);
        ConsoleText<Board>.WriteLine(", idle in wfi"u8);
        return true;
#endif
    }

    /// <summary>
    /// Core 1 started to hash payloads behind core 0 (<see cref="HashingCore"/>), asleep in WFI
    /// between uploads and whenever it has caught up, woken by an SGI; where the loop polls (no
    /// GIC set up), it polls too. Null, and core 0 hashes, if the core does not start or the
    /// image was built with PayloadHash=inline (the comparison of a before/after measurement).
    /// </summary>
    private static unsafe HashingCore? StartHashingCore(bool sleeps)
    {
        if (BuiltToHashInline)
        {
            StatusLine<Board>.Skip("hashing: SHA-256 on core 0 (built with PayloadHash=inline)"u8);
            ConsoleText<Board>.WriteLine();
            return null;
        }
        s_hashingSleeps = sleeps;
        s_hashingLeft = LineOfItsOwn();
        s_hashing = sleeps ? new HashingCore(&SleepUntilWoken, &WakeHashingCore, &PauseForHashingCore) : new HashingCore(null, null, null);
        CoreStartStatus status = Board.StartCore(HashingCoreNumber, &Hash);
        if (status != CoreStartStatus.Started)
        {
            s_hashing = null;
            StatusLine<Board>.Fail("hashing: core 1 did not start (status "u8);
            ConsoleText<Board>.WriteDecimal((ulong)status);
            ConsoleText<Board>.WriteLine("); SHA-256 on core 0"u8);
            return null;
        }
        StatusLine<Board>.Ok("hashing: SHA-256 on core 1, behind core 0"u8);
        ConsoleText<Board>.WriteLine(TranslationRegisters.CoreZeroEnabled ? " (caches on, coherent)"u8 : " (caches off on both)"u8);
        return s_hashing;
    }

    /// <summary>True in an image built with PayloadHash=inline (src/Boot/Boot.csproj).</summary>
    private static bool BuiltToHashInline =>
#if NETBOOT_HASH_INLINE
        true;
#else
        false;
#endif

    /// <summary>A zeroed word alone in its cache line, written back from our cache (in memory for a core whose caches are off).</summary>
    private static unsafe uint* LineOfItsOwn()
    {
        nuint line = Caches.DataLineSize;
        // The heap never moves or frees (a bump allocator): the address stays the word's.
        byte[] memory = new byte[2 * (int)line];
        nuint start;
        fixed (byte* first = memory)
            start = ((nuint)first + line - 1) & ~(line - 1);
        Caches.CleanInvalidateLines(start, start + line, line);
        return (uint*)start;
    }

    /// <summary>Core 1: hashes until told to leave, then writes its caches back and turns them off (the kernel gets memory as it was written), and halts.</summary>
    private static unsafe void Hash(int core)
    {
        if (s_hashingSleeps)
            Board.Gic.InitializeCpuInterface();
        s_hashing!.Serve();
        if (s_hashingSleeps)
            Board.Gic.DisableCpuInterface();
        if (TranslationRegisters.CoreZeroEnabled)
            TranslationRegisters.DisableAndClean();
        Volatile.Write(ref *s_hashingLeft, 1);
    }

    /// <summary>Core 1, IRQs masked: WFI until an interrupt is pending (the wake SGI), then every pending one acknowledged, so the next WFI sleeps again.</summary>
    private static void SleepUntilWoken()
    {
        Interrupts.Wait();
        var gic = Board.Gic;
        for (int n = 0; n < GicV2<DirectMmio>.DispatchLimit; n++)
        {
            uint acknowledged = gic.Acknowledge();
            if (new Gic400CpuInterface.GiccIar(acknowledged).InterruptId >= GicV2<DirectMmio>.FirstSpecialId)
                break;
            gic.End(acknowledged);
        }
    }

    private static void WakeHashingCore() => Board.Gic.SendSgi(HashingWakeSgi, 1u << HashingCoreNumber);

    /// <summary>Core 0, waiting for the digest: asleep until the next millisecond or a frame, not spinning.</summary>
    private static void PauseForHashingCore() => SleepUntil(GenericTimerClock.Milliseconds + 1);

    /// <summary>Before a jump to a kernel: the hashing core leaves its loop and writes its caches back; a bounded wait.</summary>
    private static unsafe void StopHashingCore()
    {
        if (s_hashing == null)
            return;
        s_hashing.Leave();
        nuint line = Caches.DataLineSize;
        long deadline = GenericTimer.Milliseconds + HashingLeaveMilliseconds;
        while (GenericTimer.Milliseconds < deadline)
        {
            Caches.InvalidateLines((nuint)s_hashingLeft, (nuint)s_hashingLeft + line, line);
            if (Volatile.Read(ref *s_hashingLeft) != 0)
                return;
        }
        ConsoleText<Board>.WriteLine("netboot: the hashing core did not leave in time"u8);
    }

    /// <summary>The kernel gets the GIC with nothing of ours enabled (IRQs stay masked): the timer's and the device's interrupts off.</summary>
    private static void StopInterrupts()
    {
        DeadlineTimer.Cancel();
        var gic = Board.Gic;
        gic.Disable(DeadlineTimer.InterruptId);
        gic.Disable(BoardNetwork.InterruptId);
    }

    /// <summary>Sleeps until an interrupt (a frame) or <paramref name="wakeAt"/>; not at all if that has come.</summary>
    private static void SleepUntil(long wakeAt)
    {
        if (wakeAt > GenericTimerClock.Milliseconds)
            DeadlineTimer.Sleep(wakeAt);
    }

    private static long Earliest(long a, long b, long c)
    {
        long earliest = a < b ? a : b;
        return earliest < c ? earliest : c;
    }

    private static void DispatchInterrupts() => Board.Gic.DispatchPending();

    private static void OnNetworkInterrupt(uint id) => BoardNetwork.AcknowledgeInterrupt();
}
