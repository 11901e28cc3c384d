namespace Unikernel.Platform;

/// <summary>
/// The host twin of the core (src/Platform/Cpu/Cpu.cs): which core the code runs on, core 0
/// unless a test, playing another core on its thread, says otherwise.
/// </summary>
public static class Cpu
{
    /// <summary>Cores the bare-metal entry code starts (core 0 and three more).</summary>
    public const int MaxCores = 4;

    [ThreadStatic]
    private static int t_core;

    /// <summary>This thread's core number; tests set it to play a secondary core.</summary>
    public static int Core
    {
        get => t_core;
        set => t_core = value;
    }
}
