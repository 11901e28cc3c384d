using Unikernel.Netboot;
using Unikernel.Platform;

namespace Unikernel.Boot.Netboot;

/// <summary>The board's side of the discard service: one console line per connection, which `unikernel bench --netboot` reads.</summary>
internal struct DiscardConsole<TConsole> : IDiscardReport where TConsole : IConsole
{
    public void Finished(ulong bytes, ulong frames, long milliseconds)
    {
        ConsoleText<TConsole>.Write("discard: "u8);
        ConsoleText<TConsole>.WriteDecimal(bytes);
        ConsoleText<TConsole>.Write(" bytes, "u8);
        ConsoleText<TConsole>.WriteDecimal(frames);
        ConsoleText<TConsole>.Write(" frames in "u8);
        ConsoleText<TConsole>.WriteDecimal((ulong)milliseconds);
        ConsoleText<TConsole>.WriteLine(" ms"u8);
    }

    public void Dropped(ulong bytes)
    {
        ConsoleText<TConsole>.Write("discard: dropped after "u8);
        ConsoleText<TConsole>.WriteDecimal(bytes);
        ConsoleText<TConsole>.WriteLine(" bytes"u8);
    }
}
