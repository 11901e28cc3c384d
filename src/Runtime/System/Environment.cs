using System.Diagnostics.CodeAnalysis;

namespace System;

public static class Environment
{
    /// <summary>As in the BCL, ends everything: on bare metal, a panic line and a halted core.</summary>
    [DoesNotReturn]
    public static void FailFast(string? message) => Unikernel.Kernel.Panic(message ?? "FailFast");
}
