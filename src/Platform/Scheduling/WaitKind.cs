namespace Unikernel.Platform.Scheduling;

/// <summary>What a <see cref="Wait"/> waits for. Zero is no wait at all (<c>default(Wait)</c>).</summary>
public enum WaitKind : byte
{
    None,
    Yield,
    Until,
    Interrupt,
    Signal,
    Done,
}
