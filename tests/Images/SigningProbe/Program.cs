using System.Runtime;
using Unikernel.Boot;
using Unikernel.Boot.Image.Signing;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Verifies RFC 8032 section 7.1's TEST 1024 (a 1023-byte message: more than any image header,
/// at most 640 bytes, so an upper bound for the bootloader's check) and prints
/// <c>verify ok</c>, <c>flipped refused</c>, then <c>rate ed25519-verify N in T us</c> over N
/// verifications, at least 3 and for about 2 s, and <c>signing probe: end</c>.
/// </summary>
internal static class Program
{
    private const long MinimumMicroseconds = 2_000_000;
    private const int MinimumVerifications = 3;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        ConsoleText<Board>.WriteLine("signing probe: begin"u8);
        ReadOnlySpan<byte> publicKey = Rfc8032Test1024.PublicKey;
        ReadOnlySpan<byte> message = Rfc8032Test1024.Message;
        Span<byte> signature = stackalloc byte[Ed25519.SignatureLength];
        Rfc8032Test1024.Signature.CopyTo(signature);

        ConsoleText<Board>.WriteLine(Ed25519.Verify(publicKey, message, signature) ? "verify ok"u8 : "verify failed"u8);
        signature[40] ^= 0x04;
        ConsoleText<Board>.WriteLine(Ed25519.Verify(publicKey, message, signature) ? "flipped accepted"u8 : "flipped refused"u8);
        signature[40] ^= 0x04;

        int count = 0;
        bool allValid = true;
        long start = GenericTimer.Microseconds, elapsed;
        do
        {
            allValid &= Ed25519.Verify(publicKey, message, signature);
            count++;
            elapsed = GenericTimer.Microseconds - start;
        }
        while (count < MinimumVerifications || elapsed < MinimumMicroseconds);
        ConsoleText<Board>.Write("rate ed25519-verify "u8);
        ConsoleText<Board>.WriteDecimal((ulong)count);
        ConsoleText<Board>.Write(" in "u8);
        ConsoleText<Board>.WriteDecimal((ulong)elapsed);
        ConsoleText<Board>.WriteLine(allValid ? " us"u8 : " us, some failed"u8);
        ConsoleText<Board>.Write("heap used "u8);
        ConsoleText<Board>.WriteDecimal(Kernel.HeapUsed);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.WriteLine("signing probe: end"u8);
    }
}
