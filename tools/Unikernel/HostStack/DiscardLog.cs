using Unikernel.Netboot;

namespace Unikernel.Tool.HostStack;

/// <summary>hoststack's side of the discard service (TCP port 9, RFC 863): a log line per connection, as the board prints.</summary>
public readonly struct DiscardLog(Action<string> say) : IDiscardReport
{
    private static string Prefix => $"tcp {HostStackCommand.DiscardPort}";

    public void Finished(ulong bytes, ulong frames, long milliseconds) =>
        say($"{Prefix} discarded {bytes} bytes, {frames} frames in {milliseconds} ms");

    public void Dropped(ulong bytes) => say($"{Prefix} dropped after {bytes} bytes");
}
