namespace Unikernel.Platform;

/// <summary>The host twin of the generic timer's physical timer (src/Platform/Cpu/PhysicalTimer.cs): keeps what was written.</summary>
public static class PhysicalTimer
{
    public const uint Enabled = 1u << 0;

    public const uint Masked = 1u << 1;

    public static ulong Compare { get; private set; }

    public static uint Control { get; private set; }

    public static void SetCompare(ulong counter) => Compare = counter;

    public static void SetControl(uint control) => Control = control;
}
