namespace Unikernel.Tool.Build;

/// <summary>A build step that failed, with a message that says what, where and what to do.</summary>
public sealed class BuildFailure(string message) : Exception(message);
