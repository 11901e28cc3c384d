using Unikernel.Platform;

namespace Unikernel.Drivers.Storage;

/// <summary>What an SD card step came to: every wait has a deadline, and missing it is a result, never a hang.</summary>
public enum SdStatus : byte
{
    Ok,
    /// <summary>Nothing answered CMD55 during identification (no card in the slot).</summary>
    NoCard,
    /// <summary>A command got no response (SMHC RISR RESP_TIMEOUT or RESP_ERROR), or the controller never finished it.</summary>
    CommandTimeout,
    /// <summary>Response or data CRC, start bit or end bit error.</summary>
    CrcError,
    /// <summary>The data phase did not finish: the controller's data timeout, or our deadline.</summary>
    DataTimeout,
    /// <summary>The IDMAC reported a bus error, an unusable descriptor or a card error, or the FIFO over/underran.</summary>
    DmaError,
    /// <summary>The blocks asked for lie beyond the card's capacity (or the card is not initialised).</summary>
    OutOfRange,
    /// <summary>The card stayed busy: ACMD41 never reported power-up done, or DATA0 stayed low after a write.</summary>
    BusyTimeout,
    /// <summary>The controller did not take a command or a card clock update, or did not leave reset.</summary>
    ControllerTimeout,
    /// <summary>A buffer not a whole number of 512-byte blocks, not word aligned, or descriptor memory too small.</summary>
    BadBuffer,
    /// <summary>The card answered but is not an SD memory card we can use (bad CMD8 echo, unknown CSD version).</summary>
    UnusableCard,
}

/// <summary>Words an <see cref="SdStatus"/> for the boot log.</summary>
public static class SdStatusText
{
    public static ReadOnlySpan<byte> Describe(SdStatus status) =>
        status <= SdStatus.UnusableCard ? Utf8Table.Entry(Texts, (int)status) : "unknown status"u8;

    /// <summary>The words for each <see cref="SdStatus"/>, in enum order (a <see cref="Utf8Table"/>: the first stage counts bytes).</summary>
    private static ReadOnlySpan<byte> Texts =>
        "ok\0"u8 +                                 // Ok
        "no card in the slot\0"u8 +                // NoCard
        "a command got no response\0"u8 +          // CommandTimeout
        "CRC error\0"u8 +                          // CrcError
        "data timeout\0"u8 +                       // DataTimeout
        "DMA error\0"u8 +                          // DmaError
        "blocks beyond the card's capacity\0"u8 +  // OutOfRange
        "the card stayed busy\0"u8 +               // BusyTimeout
        "the SD controller did not answer\0"u8 +   // ControllerTimeout
        "bad buffer\0"u8 +                         // BadBuffer
        "not an SD memory card we can use\0"u8;    // UnusableCard
}
