namespace Unikernel.Tool.Flash;

/// <summary>Why `flash` will not write a device: what is wrong, with which device, and what to do instead.</summary>
public sealed class FlashRefusal(string message) : Exception(message);
