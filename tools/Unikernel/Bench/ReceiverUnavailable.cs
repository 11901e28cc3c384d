namespace Unikernel.Tool.Bench;

/// <summary>A receiver that cannot take part yet (hoststack before it has TCP): its row says so instead of failing.</summary>
public sealed class ReceiverUnavailable(string message) : Exception(message);
