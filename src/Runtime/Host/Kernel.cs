using System.Diagnostics.CodeAnalysis;

namespace Unikernel;

/// <summary>
/// The host-side twin of the bare-metal <c>Unikernel.Kernel</c> (src/Runtime/Unikernel/Kernel.cs):
/// shared drivers and network code call <see cref="Panic"/> for broken invariants, and on the
/// host that throws, so a test can see it instead of losing the process.
/// </summary>
public static class Kernel
{
    [DoesNotReturn]
    public static void Panic(string reason) => throw new PanicException(reason);
}

/// <summary>What a panic becomes on the host.</summary>
public sealed class PanicException(string reason) : Exception($"panic: {reason}")
{
    public string Reason { get; } = reason;
}
