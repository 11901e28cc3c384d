namespace Unikernel.Tool.Signing;

/// <summary>A key or image the signing verbs cannot use, with what to do about it; printed as <c>error: message</c>.</summary>
public sealed class SigningFailure(string message) : Exception(message);
