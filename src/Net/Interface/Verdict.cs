using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// What became of one received frame, or of the part a protocol handled: a reply of some
/// length (a whole frame from the interface, the segment alone from TCP), absorbed, or dropped
/// for a reason.
/// </summary>
internal readonly struct Verdict
{
    public readonly int Length;
    public readonly bool IsAbsorbed;
    public readonly DropReason Reason;
    public readonly WireError Error;

    private Verdict(int length, bool absorbed, DropReason reason, WireError error)
    {
        Length = length;
        IsAbsorbed = absorbed;
        Reason = reason;
        Error = error;
    }

    public static Verdict Reply(int length) => new Verdict(length, false, default, WireError.None);

    public static Verdict Absorbed => new Verdict(0, true, default, WireError.None);

    public static Verdict Drop(DropReason reason) => new Verdict(0, false, reason, WireError.None);

    /// <summary>A failed Check: checksum and unsupported have drop reasons of their own, the rest is malformed.</summary>
    public static Verdict FromWireError(WireError error) => error switch
    {
        WireError.BadChecksum => Drop(DropReason.BadChecksum),
        WireError.Unsupported => Drop(DropReason.Unsupported),
        _ => new Verdict(0, false, DropReason.Malformed, error),
    };
}
