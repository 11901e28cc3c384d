using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// QEMU's machine protocol (QMP) on a Unix socket, for one question: where the first core's
/// program counter is. With it `run` sees a kernel halt: its core waits in the entry code's
/// <c>__unikernel_halt</c> loop once the program returns or panics, which prints nothing.
/// QEMU is started with <see cref="Arguments"/>; the socket lives in a temporary directory.
/// </summary>
public sealed partial class QemuMonitor : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("unikernel-qmp-").FullName;

    /// <summary>The socket's path.</summary>
    public string SocketPath => Path.Combine(_directory, "qmp.sock");

    /// <summary>QEMU's options for the socket: it listens and does not wait for us to connect.</summary>
    public string[] Arguments => ["-qmp", $"unix:{SocketPath},server=on,wait=off"];

    /// <summary>The first core's program counter, or null when QEMU does not answer (not up yet, or gone).</summary>
    public ulong? ProgramCounter()
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = 2000;
            socket.SendTimeout = 2000;
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            reader.ReadLine(); // the greeting
            Send(stream, """{"execute":"qmp_capabilities"}""");
            Reply(reader);
            Send(stream, """{"execute":"human-monitor-command","arguments":{"command-line":"info registers"}}""");
            string registers = Reply(reader).GetString() ?? "";
            // AArch64 prints PC=<16 digits>, AArch32 R15=<8 digits> (QEMU target/arm/cpu.c, arm_cpu_dump_state).
            var pc = ProgramCounterLine().Match(registers);
            return pc.Success ? ulong.Parse(pc.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;
        }
        catch (Exception error) when (error is SocketException or IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void Send(NetworkStream stream, string command) => stream.Write(Encoding.UTF8.GetBytes(command + "\n"));

    /// <summary>The next command's "return" value; events QEMU sends meanwhile are skipped.</summary>
    private static JsonElement Reply(StreamReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("return", out var value))
                return value.Clone();
            if (document.RootElement.TryGetProperty("error", out var error))
                throw new InvalidOperationException(error.ToString());
        }
        throw new IOException("QEMU closed its monitor");
    }

    [GeneratedRegex(@"(?:\bPC|R15)=([0-9a-fA-F]+)")]
    private static partial Regex ProgramCounterLine();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
