namespace Unikernel.Tool.Bench;

/// <summary>A bench step that failed, with what to do about it; the row shows the message.</summary>
public sealed class BenchFailure(string message) : Exception(message);
