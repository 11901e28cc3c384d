namespace Unikernel.Drivers.Storage;

/// <summary>
/// The SD memory card protocol: command indices, arguments and response bits the driver uses
/// (SD Physical Layer Simplified Specification 9.00: 4.7.4 command classes, 4.9 responses,
/// 5.1 OCR, 5.3 CSD).
/// </summary>
internal static class SdProtocol
{
    public const int BlockSize = 512;
    public const int BlockShift = 9;

    public const uint GoIdleState = 0;            // CMD0, no response
    public const uint AllSendCid = 2;             // CMD2, R2
    public const uint SendRelativeAddress = 3;    // CMD3, R6
    public const uint SetBusWidth = 6;            // ACMD6, R1
    public const uint SelectCard = 7;             // CMD7, R1b
    public const uint SendInterfaceCondition = 8; // CMD8, R7
    public const uint SendCsd = 9;                // CMD9, R2
    public const uint StopTransmission = 12;      // CMD12, R1b
    public const uint SetBlockLength = 16;        // CMD16, R1
    public const uint ReadSingleBlock = 17;       // CMD17, R1 + data
    public const uint ReadMultipleBlock = 18;     // CMD18, R1 + data
    public const uint WriteBlock = 24;            // CMD24, R1 + data
    public const uint WriteMultipleBlock = 25;    // CMD25, R1 + data
    public const uint SendOperatingCondition = 41; // ACMD41, R3
    public const uint ApplicationCommand = 55;    // CMD55, R1

    /// <summary>CMD8 argument: 2.7-3.6 V (VHS = 1) and the check pattern 0xAA, echoed in R7 (4.3.13).</summary>
    public const uint InterfaceCondition = 0x1AA;

    /// <summary>R7 bits echoing the CMD8 argument: voltage accepted (11:8) and check pattern (7:0).</summary>
    public const uint InterfaceConditionEcho = 0xFFF;

    /// <summary>R1 card status OUT_OF_RANGE (bit 31) and ADDRESS_ERROR (bit 30) (4.10.1).</summary>
    public const uint AddressErrors = 3u << 30;

    /// <summary>ACMD41 argument: 3.2-3.4 V window (OCR bits 20 and 21), as U-Boot's sd_send_op_cond (voltages 0x00FF8000 masked by the host's 3.3 V).</summary>
    public const uint VoltageWindow = 0x0030_0000;

    /// <summary>OCR bit 30, CCS / HCS: high capacity (block addressing); in the ACMD41 argument the host supports it.</summary>
    public const uint HighCapacity = 1u << 30;

    /// <summary>OCR bit 31: power-up done (0 while the card is busy).</summary>
    public const uint PowerUpDone = 1u << 31;

    /// <summary>ACMD6 argument for a 4-bit bus.</summary>
    public const uint BusWidth4 = 2;

    /// <summary>R6: the relative card address is in bits 31:16.</summary>
    public const int RelativeAddressShift = 16;
}
