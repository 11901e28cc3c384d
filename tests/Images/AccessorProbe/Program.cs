using System.Runtime;
using System.Runtime.CompilerServices;
using Unikernel.Boot;
using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Pairs of methods, generated accessors against hand-written pointer code doing the same
/// access with the same (volatile) semantics. Each is kept out of line so its code can be read
/// from the image by its symbol; the test requires each pair's instructions to be identical.
/// </summary>
internal static unsafe class Probes
{
    private struct Register
    {
        public volatile uint Value;
    }

    private const nuint LineStatus = 0x01C28014;   // H3 UART0 LSR
    private const nuint Transmit = 0x01C28000;     // H3 UART0 THR
    private const nuint LineControl = 0x01C2800C;  // H3 UART0 LCR
    private const nuint EmacStatus = 0x01C30008;   // H3 EMAC INT_STA

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint ReadGenerated() => H3<DirectMmio>.Uart0.Lsr.Read().Raw;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint ReadRaw() => ((Register*)LineStatus)->Value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool ReadFieldGenerated() => H3<DirectMmio>.Uart0.Lsr.Read().Thre;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool ReadFieldRaw() => (((Register*)LineStatus)->Value & 0x20) != 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WriteGenerated(uint value) => H3<DirectMmio>.Uart0.Thr.Write(new Uart16550.Thr(value));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WriteRaw(uint value) => ((Register*)Transmit)->Value = value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ModifyGenerated()
    {
        var lcr = H3<DirectMmio>.Uart0.Lcr;
        lcr.Write(lcr.Read().WithDlab(true));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ModifyRaw()
    {
        var lcr = (Register*)LineControl;
        lcr->Value = lcr->Value | 0x80;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ClearGenerated() => H3<DirectMmio>.Emac.IntSta.ClearRx();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ClearRaw() => ((Register*)EmacStatus)->Value = 0x100;

    /// <summary>Modify with a lambda: measured and reported, not required to match.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ModifyLambda() => H3<DirectMmio>.Uart0.Lcr.Modify(static r => r.WithDlab(true));
}

internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        // Never run on hardware that is not an H3: the probes are here to be compiled.
        if (Kernel.Image.ImageStart == nuint.MaxValue)
        {
            Probes.WriteGenerated(Probes.ReadGenerated());
            Probes.WriteRaw(Probes.ReadRaw());
            _ = Probes.ReadFieldGenerated() && Probes.ReadFieldRaw();
            Probes.ModifyGenerated();
            Probes.ModifyRaw();
            Probes.ClearGenerated();
            Probes.ClearRaw();
            Probes.ModifyLambda();
        }
        ConsoleText<Board>.WriteLine("accessor probe");
    }
}
