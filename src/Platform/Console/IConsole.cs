namespace Unikernel.Platform;

/// <summary>A byte sink for text: the board's console UART, or a buffer in tests.</summary>
public interface IConsole
{
    static abstract void Write(ReadOnlySpan<byte> bytes);
}
