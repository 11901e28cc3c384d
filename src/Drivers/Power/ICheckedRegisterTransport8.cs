namespace Unikernel.Drivers.Power;

/// <summary>
/// A serial-bus transport whose transfers can fail (RSB: no acknowledge, bus error, timeout).
/// The generated device types call only <see cref="Bus.IRegisterTransport8.Read8"/> and
/// <see cref="Bus.IRegisterTransport8.Write8"/>, which have no error path, so the failure is
/// sticky: the first failed transfer is kept in <see cref="Error"/>, every later read returns 0
/// and every later write is dropped (so a failed read can never feed a read-modify-write) until
/// <see cref="ClearError"/>. A driver clears it, runs a short sequence, then checks it once.
/// </summary>
public interface ICheckedRegisterTransport8 : Bus.IRegisterTransport8
{
    /// <summary>The first failure since <see cref="ClearError"/>, or <see cref="RsbStatus.Ok"/>.</summary>
    static abstract RsbStatus Error { get; }

    static abstract void ClearError();
}
