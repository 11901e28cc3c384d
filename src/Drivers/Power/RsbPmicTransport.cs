using Unikernel.Drivers.Bus;
using Unikernel.Platform;

namespace Unikernel.Drivers.Power;

/// <summary>
/// The primary PMIC on the R_RSB at its run-time address (0x2D, <see cref="RsbAddresses"/>), as
/// the transport of the generated <c>Axp803&lt;TTransport&gt;</c>. Bus failures are sticky (see
/// <see cref="ICheckedRegisterTransport8"/>); the RSB must be initialised and the run-time
/// address set first (<see cref="RsbTransport{TBus, TClock}"/>).
/// </summary>
public struct RsbPmicTransport<TBus, TClock> : ICheckedRegisterTransport8
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    public static RsbStatus Error => RsbPmicError.Status;

    public static void ClearError() => RsbPmicError.Status = RsbStatus.Ok;

    public static byte Read8(byte register)
    {
        if (RsbPmicError.Status != RsbStatus.Ok)
            return 0;
        RsbPmicError.Status = RsbTransport<TBus, TClock>.Read8(RsbAddresses.PrimaryPmicRuntime, register, out byte value);
        return value;
    }

    public static void Write8(byte register, byte value)
    {
        if (RsbPmicError.Status != RsbStatus.Ok)
            return;
        RsbPmicError.Status = RsbTransport<TBus, TClock>.Write8(RsbAddresses.PrimaryPmicRuntime, register, value);
    }
}

/// <summary>
/// The sticky status of <see cref="RsbPmicTransport{TBus, TClock}"/>: one for the board's one
/// PMIC, kept outside the generic type so no per-instantiation static storage is needed.
/// </summary>
internal static class RsbPmicError
{
    internal static RsbStatus Status;
}
