using System.Diagnostics.CodeAnalysis;

namespace System;

public static class Environment
{
    /// <summary>As in the BCL, ends everything: on bare metal, a panic line and a halted core.</summary>
    [DoesNotReturn]
    public static void FailFast(string? message)
    {
        if (message is null)
            Unikernel.Kernel.Panic("FailFast"u8);
        // The panic takes bytes: the message as ASCII, as much as the panic line holds.
        Span<byte> text = stackalloc byte[120];
        int length = 0;
        for (; length < message.Length && length < text.Length; length++)
            text[length] = message[length] < 0x80 ? (byte)message[length] : (byte)'?';
        Unikernel.Kernel.Panic(text.Slice(0, length));
    }
}
