namespace Unikernel;

/// <summary>
/// The runtime checks that end in a panic, numbered as in src/Platform/Entry/runtime-checks.inc
/// (the assembly trampolines pass the number).
/// </summary>
public enum RuntimeCheck
{
    IndexOutOfRange = 1,
    NullReference = 2,
    DivideByZero = 3,
    Overflow = 4,
    ArgumentOutOfRange = 5,
    Argument = 6,
    DestinationTooShort = 7,
    ArrayTypeMismatch = 8,
    PlatformNotSupported = 9,
    NotImplemented = 10,
    NotSupported = 11,
    InvalidProgram = 12,
    TypeLoad = 13,
    BadImageFormat = 14,
}
