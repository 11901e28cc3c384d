using Unikernel.Net;

namespace Unikernel.Netboot.Web;

/// <summary>What the status page and its JSON show, read when a request comes: nothing is copied.</summary>
internal readonly struct StatusFacts
{
    public StatusFacts(NetworkInterface stack, UploadHistory history, ulong memoryBytes, UploadSlot slot)
    {
        Stack = stack;
        History = history;
        MemoryBytes = memoryBytes;
        Slot = slot;
    }

    public NetworkInterface Stack { get; }

    public UploadHistory History { get; }

    /// <summary>Where kernels may be loaded: DRAM as the board brought it up.</summary>
    public ulong MemoryBytes { get; }

    public UploadSlot Slot { get; }

    /// <summary>Milliseconds since the board started (the interface's clock).</summary>
    public long Uptime => Stack.Now;
}
