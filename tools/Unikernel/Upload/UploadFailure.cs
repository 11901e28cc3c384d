namespace Unikernel.Tool.Upload;

/// <summary>An upload that could not be made or was refused, with what to do about it; printed as <c>error: message</c>.</summary>
public sealed class UploadFailure(string message) : Exception(message);
