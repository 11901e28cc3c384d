using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Unikernel;

/// <summary>
/// The host-side twin of the bare-metal <c>Unikernel.Kernel</c> (src/Runtime/Unikernel/Kernel.cs):
/// shared drivers and network code call <see cref="Panic"/> for broken invariants, and on the
/// host that throws, so a test can see it instead of losing the process. In the corelib's
/// namespace, so shared code calls it the same way; here, in the lowest host project, so every
/// host assembly sees this one copy.
/// </summary>
public static class Kernel
{
    /// <summary>The reason is UTF-8, as on bare metal (<c>Kernel.Panic("why"u8)</c>).</summary>
    [DoesNotReturn]
    public static void Panic(ReadOnlySpan<byte> reason) => throw new PanicException(Encoding.UTF8.GetString(reason));
}

/// <summary>What a panic becomes on the host.</summary>
public sealed class PanicException(string reason) : Exception($"panic: {reason}")
{
    public string Reason { get; } = reason;
}
