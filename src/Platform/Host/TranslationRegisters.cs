namespace Unikernel.Platform;

/// <summary>The host twin of the MMU switch (src/Platform/Cpu/TranslationRegisters.cs): records what would be loaded.</summary>
public static class TranslationRegisters
{
    public static bool On { get; private set; }

    public static (nuint TableBase, nuint Attributes, nuint Control) Loaded { get; private set; }

    public static void Enable(nuint tableBase, nuint attributes, nuint control)
    {
        Loaded = (tableBase, attributes, control);
        On = true;
    }

    public static void DisableAndClean() => On = false;
}
