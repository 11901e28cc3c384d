namespace Unikernel.Platform;

/// <summary>
/// The host twin of the IRQ mask and vector (src/Platform/Cpu/Interrupts.cs): a flag, and
/// <see cref="Raise"/> for tests to play the vector.
/// </summary>
public static unsafe class Interrupts
{
    private static delegate*<void> s_handler;

    public static void Enable()
    {
        if (s_handler == null)
            Kernel.Panic("interrupts enabled with no handler"u8);
        Enabled = true;
    }

    public static void Disable() => Enabled = false;

    public static bool Enabled { get; private set; }

    public static void SetHandler(delegate*<void> handler) => s_handler = handler;

    /// <summary>Times <see cref="Wait"/> was called.</summary>
    public static int Waits { get; private set; }

    /// <summary>What a test makes happen while the CPU would sleep (an interrupt becoming pending).</summary>
    public static Action? WhileWaiting { get; set; }

    /// <summary>The twin of WFI: counts, and runs <see cref="WhileWaiting"/>.</summary>
    public static void Wait()
    {
        Waits++;
        WhileWaiting?.Invoke();
    }

    /// <summary>What the IRQ vector does: call the handler, with IRQs masked meanwhile.</summary>
    public static void Raise()
    {
        if (s_handler == null)
            Kernel.Panic("IRQ with no handler"u8);
        bool enabled = Enabled;
        Enabled = false;
        s_handler();
        Enabled = enabled;
    }
}
