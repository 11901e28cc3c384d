using Unikernel.Boot.Image;

namespace Unikernel.Tool.Upload;

/// <summary>One part of a version 2 image (docs/image-format.md, "Version 2") as the tool sends it: kind, where it goes, its room and its bytes.</summary>
public sealed record UploadPart(PartKind Kind, ulong Load, uint Room, byte[] Bytes);
