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
    public static ReadOnlySpan<byte> Describe(SdStatus status) => status switch
    {
        SdStatus.Ok => "ok"u8,
        SdStatus.NoCard => "no card in the slot"u8,
        SdStatus.CommandTimeout => "a command got no response"u8,
        SdStatus.CrcError => "CRC error"u8,
        SdStatus.DataTimeout => "data timeout"u8,
        SdStatus.DmaError => "DMA error"u8,
        SdStatus.OutOfRange => "blocks beyond the card's capacity"u8,
        SdStatus.BusyTimeout => "the card stayed busy"u8,
        SdStatus.ControllerTimeout => "the SD controller did not answer"u8,
        SdStatus.BadBuffer => "bad buffer"u8,
        SdStatus.UnusableCard => "not an SD memory card we can use"u8,
        _ => "unknown status"u8,
    };
}
