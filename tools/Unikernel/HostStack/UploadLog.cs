using System.Security.Cryptography;
using System.Text;
using Unikernel.Netboot;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// hoststack's side of the upload service: its log lines, which the interop tests and the bench
/// read. A stream that is not a kernel image is taken too: its length and SHA-256 are printed
/// (what the bootloader does with a kernel before running it), or with <c>hash</c> false only
/// its length, as the lwIP sink of the bench does.
/// </summary>
public struct UploadLog(Action<string> say, bool hash) : INetbootReport
{
    private readonly IncrementalHash? _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

    private static string Prefix => $"tcp {HostStackCommand.UploadPort}";

    public static bool TakesRawStreams => true;

    public readonly void Started()
    {
        // A stream cut short (reset, idle) left its bytes in the hash.
        _hash?.GetHashAndReset();
        say($"{Prefix} accepted an upload");
    }

    public readonly void Received(ReadOnlySpan<byte> data) => _hash?.AppendData(data);

    public readonly void Replied(ReadOnlySpan<byte> line, bool ok, ulong received, long milliseconds) =>
        say($"{Prefix} image: {Encoding.ASCII.GetString(line)}");

    public readonly void RawStream(ulong received, long milliseconds) =>
        say(_hash is null
            ? $"{Prefix} received {received} bytes in {milliseconds} ms"
            : $"{Prefix} received {received} bytes sha256 {Convert.ToHexStringLower(_hash.GetHashAndReset())} in {milliseconds} ms");

    public readonly void Reset(ulong received) => say($"{Prefix} reset by the peer after {received} bytes");

    public readonly void IdleDropped() => say($"{Prefix} upload idle for 30 s, dropped");
}
