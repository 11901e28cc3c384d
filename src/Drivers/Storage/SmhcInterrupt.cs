using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Storage;

/// <summary>
/// The SD host controller's interrupt line (the SoC's ID, e.g. <c>H3.Smhc0.Irq</c>): which
/// events raise it, and its acknowledge. IMKR selects the events, GCTRL.INT_ENABLE gates the
/// line, MISR is RISR through IMKR, and a 1 written to RISR clears an event (H3 user manual
/// 5.3 and A64 user manual 5.2, "SD/MMC"; Linux drivers/mmc/host/sunxi-mmc.c sunxi_mmc_irq).
/// <para><see cref="SmhcSdCard{TBus, TClock, TDma}"/> polls RISR itself and writes IMKR zero in
/// its Initialize: enable the interrupt after it, and only where the handler and a waiting
/// transfer agree on who clears RISR.</para>
/// </summary>
public static class SmhcInterrupt<TBus> where TBus : IMmio
{
    /// <summary>The events that end a command or a transfer, or fail it (what sunxi-mmc.c unmasks).</summary>
    public static Smhc.Imkr CompletionAndErrors => Smhc.Imkr.Zero
        .WithCommandDone(true).WithDataOver(true).WithAutoCommandDone(true)
        .WithRespError(true).WithRespCrcError(true).WithDataCrcError(true).WithRespTimeout(true).WithDataTimeout(true)
        .WithFifoRunError(true).WithHardWareLocked(true).WithStartBitError(true).WithEndBitError(true);

    /// <summary>Unmasks <paramref name="events"/> (IMKR) and opens the line (GCTRL.INT_ENABLE).</summary>
    public static void Enable(Smhc<TBus> smhc, Smhc.Imkr events)
    {
        smhc.Imkr.Write(events);
        smhc.Gctrl.Write(smhc.Gctrl.Read().WithIntEnable(true));
    }

    /// <summary>Closes the line and masks every event; RISR still records them for polling.</summary>
    public static void Disable(Smhc<TBus> smhc)
    {
        smhc.Gctrl.Write(smhc.Gctrl.Read().WithIntEnable(false));
        smhc.Imkr.Write(Smhc.Imkr.Zero);
    }

    /// <summary>What the handler calls: the unmasked events pending (MISR), each then cleared in RISR, which drops the line. Zero: not ours.</summary>
    public static uint Acknowledge(Smhc<TBus> smhc)
    {
        uint pending = smhc.Misr.Read().Raw;
        if (pending != 0)
            smhc.Risr.Clear(new Smhc.Risr(pending));
        return pending;
    }
}
