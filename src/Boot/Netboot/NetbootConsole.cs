using Unikernel.Boot.Image;
using Unikernel.Platform;
using Unikernel.Netboot;

namespace Unikernel.Boot.Netboot;

/// <summary>The board's side of the upload service: its lines on the console (README.md shows them).</summary>
internal struct NetbootConsole<TConsole> : INetbootReport where TConsole : IConsole
{
    private readonly KernelReceiver<PhysicalMemory> _receiver;

    /// <param name="receiver">Asked which core hashed an accepted payload.</param>
    public NetbootConsole(KernelReceiver<PhysicalMemory> receiver)
    {
        _receiver = receiver;
    }

    /// <summary>A stream that is not an image is refused (<c>error: bad magic</c>).</summary>
    public static bool TakesRawStreams => false;

    public void Started() => ConsoleText<TConsole>.WriteLine("netboot: upload started"u8);

    public void Received(ReadOnlySpan<byte> data)
    {
    }

    public void Replied(ReadOnlySpan<byte> line, bool ok, ulong received, long milliseconds)
    {
        ConsoleText<TConsole>.Write("netboot: "u8);
        ConsoleText<TConsole>.WriteLine(line);
        ImageError error = _receiver.Error;
        if (error == ImageError.None || error == ImageError.Sha256Mismatch)
        {
            // The whole payload came and was hashed: by which core, and how far behind the last byte.
            ConsoleText<TConsole>.Write("netboot: sha256 on core "u8);
            ConsoleText<TConsole>.WriteDecimal((ulong)_receiver.HashedOnCore);
            ConsoleText<TConsole>.Write(", "u8);
            ConsoleText<TConsole>.WriteDecimal((ulong)_receiver.HashWaitMilliseconds);
            ConsoleText<TConsole>.WriteLine(" ms after the last byte"u8);
        }
        if (!ok)
            return;
        ConsoleText<TConsole>.Write("netboot: "u8);
        ConsoleText<TConsole>.WriteDecimal(received);
        ConsoleText<TConsole>.Write(" bytes in "u8);
        ConsoleText<TConsole>.WriteDecimal((ulong)milliseconds);
        ConsoleText<TConsole>.Write(" ms"u8);
        if (milliseconds > 0)
        {
            ConsoleText<TConsole>.Write(", "u8);
            ConsoleText<TConsole>.WriteDecimal(received / (ulong)milliseconds / 1000);
            ConsoleText<TConsole>.Write(" MB/s"u8);
        }
        ConsoleText<TConsole>.WriteLine();
    }

    public void RawStream(ulong received, long milliseconds)
    {
    }

    public void Reset(ulong received)
    {
        ConsoleText<TConsole>.Write("netboot: connection reset after "u8);
        ConsoleText<TConsole>.WriteDecimal(received);
        ConsoleText<TConsole>.WriteLine(" bytes"u8);
    }

    public void IdleDropped() => ConsoleText<TConsole>.WriteLine("netboot: upload idle for 30 s, dropped"u8);
}
