using Unikernel.Boot;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Storage;

namespace Unikernel.Kit;

/// <summary>
/// The SD card in the board's slot (SMHC0 on orangepi-pc and pine64-plus), in 512-byte blocks
/// by DMA straight into or out of the caller's buffer, the data cache cleaned or invalidated
/// around each transfer. qemu-virt has no card: every call says <see cref="StorageStatus.NotAvailable"/>.
/// Polled: a call returns when the transfer is done or failed (each step has a deadline, 1 s for
/// data), at the card's 25 MHz bus clock about 10 MB/s.
/// </summary>
public static class KernelStorage
{
    private static SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma>? s_card;

    /// <summary>A block: the unit of every read and write.</summary>
    public const int BlockSize = SmhcSdCard<DirectMmio, GenericTimerClock, CachedDma>.BlockSize;

    /// <summary>The alignment a buffer needs: a cache line, so invalidating it never drops a neighbour's data.</summary>
    public const int BufferAlignment = 64;

    /// <summary>True on boards with an SD card slot the kit drives.</summary>
    public static bool IsAvailable => Board.HasSdCard;

    /// <summary>
    /// Opens the card (clocks, pins, identification; up to a second), with a status line.
    /// <see cref="StorageStatus.NotAvailable"/> where the board has no slot,
    /// <see cref="StorageStatus.DeviceError"/> (its status line printed, <see cref="LastError"/>
    /// set) when no usable card answers. Once open, later calls return Ok at once.
    /// </summary>
    public static StorageStatus Open()
    {
        if (!Board.HasSdCard)
            return StorageStatus.NotAvailable;
        if (s_card != null)
            return StorageStatus.Ok;
        SdStatus status = Board.OpenCachedSdCard(out var card);
        if (status != SdStatus.Ok || card == null)
        {
            LastError = status == SdStatus.Ok ? SdStatus.NoCard : status;
            return StorageStatus.DeviceError;
        }
        s_card = card;
        return StorageStatus.Ok;
    }

    /// <summary>The card's size in blocks; 0 when not open.</summary>
    public static ulong BlockCount => s_card?.BlockCount ?? 0;

    /// <summary>The driver's last failure (<see cref="SdStatus.Ok"/> if none): what a <see cref="StorageStatus.DeviceError"/> was.</summary>
    public static SdStatus LastError { get; private set; }

    /// <summary>Reads <paramref name="destination"/>.Length / 512 blocks from <paramref name="block"/> on.</summary>
    public static StorageStatus Read(ulong block, Span<byte> destination)
    {
        StorageStatus ready = Check(destination);
        return ready != StorageStatus.Ok ? ready : Result(s_card!.Read(block, destination));
    }

    /// <summary>Writes <paramref name="source"/>.Length / 512 blocks at <paramref name="block"/> on, and waits until the card has programmed them.</summary>
    public static StorageStatus Write(ulong block, ReadOnlySpan<byte> source)
    {
        StorageStatus ready = Check(source);
        return ready != StorageStatus.Ok ? ready : Result(s_card!.Write(block, source));
    }

    private static unsafe StorageStatus Check(ReadOnlySpan<byte> buffer)
    {
        if (!Board.HasSdCard)
            return StorageStatus.NotAvailable;
        if (s_card == null)
            return StorageStatus.NotOpen;
        fixed (byte* start = buffer)
        {
            if (buffer.Length == 0 || buffer.Length % BlockSize != 0 || ((nuint)start & (BufferAlignment - 1)) != 0)
                return StorageStatus.BadBuffer;
        }
        return StorageStatus.Ok;
    }

    private static StorageStatus Result(SdStatus status)
    {
        if (status == SdStatus.Ok)
            return StorageStatus.Ok;
        if (status == SdStatus.OutOfRange)
            return StorageStatus.OutOfRange;
        LastError = status;
        return status == SdStatus.BadBuffer ? StorageStatus.BadBuffer : StorageStatus.DeviceError;
    }
}
