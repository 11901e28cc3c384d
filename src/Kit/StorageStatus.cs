using Unikernel.Drivers.Storage;

namespace Unikernel.Kit;

/// <summary>What a <see cref="KernelStorage"/> call came to.</summary>
public enum StorageStatus : byte
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>The board has no SD card slot the kit drives (qemu-virt): nothing was tried.</summary>
    NotAvailable,

    /// <summary>Not opened: <see cref="KernelStorage.Open"/> first (or it failed).</summary>
    NotOpen,

    /// <summary>The buffer is not a whole number of 512-byte blocks, or not 64-byte (cache line) aligned.</summary>
    BadBuffer,

    /// <summary>The blocks lie beyond the card's end.</summary>
    OutOfRange,

    /// <summary>The card or its controller failed the transfer: <see cref="KernelStorage.LastError"/> says how.</summary>
    DeviceError,
}
