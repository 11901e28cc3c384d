using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Storage;
using Unikernel.Drivers.Thermal;

namespace Unikernel.Boot;

/// <summary>
/// What a board gives the programs built for it: the netboot program (src/Boot/Program.cs), the
/// sample kernels (samples/) and the test images (tests/Images). Each board folder
/// (src/Boards/&lt;board&gt;) holds one <c>Board</c> struct that implements it; an image is built
/// for one board (-p:Board=NAME, src/Runtime/Metal.props), so programs call <c>Board.Initialize()</c>
/// and the rest directly. The interface states the contract and makes the compiler check that
/// every board keeps it; its members are static, so a call costs what a direct call costs.
/// <para>The netboot program's order: <see cref="Initialize"/>, the banner,
/// <see cref="BringUp"/>, the board's Ethernet (<see cref="IBoardNetwork{TSelf}.TryStart"/>), then
/// the main loop calling <see cref="Service"/> on every turn, sleeping between turns until an
/// interrupt or the next deadline (<see cref="Gic"/>, <see cref="ServiceDueAt"/>), until a kernel has arrived:
/// <see cref="StartKernel"/>. A failed step prints its status line and ends in
/// <see cref="AfterFatalError"/>.</para>
/// </summary>
internal interface IBoard : IConsole
{
    /// <summary>The board's name as its board file gives it (hardware/boards/&lt;board&gt;.yaml), for the banner.</summary>
    static abstract ReadOnlySpan<byte> Name { get; }

    /// <summary>The SoC, for the banner (<c>Allwinner H3</c>).</summary>
    static abstract ReadOnlySpan<byte> Soc { get; }

    /// <summary>The CPU and the state the image runs in, for the banner (<c>Cortex-A53 (AArch64, EL3)</c>).</summary>
    static abstract ReadOnlySpan<byte> Cpu { get; }

    /// <summary>
    /// Every image's first call: what must be set before anything else, at least the generic
    /// timer's frequency (boot ROMs leave CNTFRQ unset) and the console, so <see cref="IConsole.Write"/>
    /// and a panic print from here on. Cannot fail.
    /// </summary>
    static abstract void Initialize();

    /// <summary>
    /// The netboot program's bring-up after the banner, one status line per step: the RAM (on the
    /// Allwinner boards DRAM as the first stage trained it), the MMU and caches, and the SoC's
    /// other steps. <paramref name="memory"/> is where a kernel may be loaded. False after a
    /// failed step (its status line printed).
    /// </summary>
    static abstract bool BringUp(out AddressRange memory);

    /// <summary>The main loop's periodic duty, called on every turn (the Pine64+ feeds its watchdog); returns promptly.</summary>
    static abstract void Service();

    /// <summary>When <see cref="Service"/> next has work (<see cref="long.MaxValue"/>: never), in <c>GenericTimerClock</c> milliseconds: a sleeping main loop wakes by then.</summary>
    static abstract long ServiceDueAt { get; }

    /// <summary>The interrupt controller (a GICv2 on every board), for the program to set up and enable interrupts on.</summary>
    static abstract GicV2<DirectMmio> Gic { get; }

    /// <summary>
    /// What the board does after a failed step, its status line printed: halt (return, and the
    /// program stops with the line on the console) or reboot to try again.
    /// </summary>
    static abstract void AfterFatalError();

    /// <summary>
    /// Hands the machine to a kernel loaded at [<paramref name="load"/>, +<paramref name="length"/>):
    /// the board's own duties ended (a watchdog disarmed), caches written back and the MMU off as
    /// Linux's boot protocol wants, then the jump to <paramref name="entry"/>. Never returns. The
    /// caller stops the network device first (<see cref="IBoardNetwork{TSelf}.Stop"/>): its DMA
    /// must not write into the kernel's memory.
    /// </summary>
    static abstract void StartKernel(nuint load, nuint length, nuint entry);

    /// <summary>True where the board has an SD card slot its image can use (the Allwinner boards' SMHC0); false on qemu-virt.</summary>
    static abstract bool HasSdCard { get; }

    /// <summary>
    /// A kernel's SD card (src/Kit, KernelStorage): SMHC0's clocks and pins set, the card
    /// identified, one status line; its transfers clean and invalidate the data cache around the
    /// DMA (<see cref="CachedDma"/>), so they are right with the MMU and caches on or off. The
    /// driver's status: <see cref="SdStatus.Ok"/> when the card can be used (its status line
    /// printed either way). Where <see cref="HasSdCard"/> is false: <see cref="SdStatus.NoCard"/>,
    /// <paramref name="card"/> null, nothing printed.
    /// </summary>
    static abstract SdStatus OpenCachedSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma>? card);

    /// <summary>True where the board has a temperature sensor with a driver (the Pine64+'s A64 THS); false on orangepi-pc (the H3's THS has no driver yet) and qemu-virt (none modelled).</summary>
    static abstract bool HasTemperatureSensor { get; }

    /// <summary>
    /// The SoC's (CPU cluster's) temperature in millidegrees Celsius, the sensor enabled on the
    /// first call (up to a second for its first sample). <see cref="ThermalStatus.NoSuchSensor"/>
    /// where <see cref="HasTemperatureSensor"/> is false.
    /// </summary>
    static abstract ThermalStatus ReadTemperature(out int millicelsius);
}
