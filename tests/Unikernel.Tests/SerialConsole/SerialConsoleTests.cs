using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Unikernel.Tool.Build;
using Unikernel.Tool.SerialConsole;

namespace Unikernel.Tests.SerialConsole;

/// <summary>
/// `console DEVICE` against a pseudo-terminal standing in for the USB serial adapter: what the
/// "board" (the pty's master side) prints reaches the output, what is typed reaches the board,
/// Ctrl-A X is not sent and stops the console.
/// </summary>
public class SerialConsoleTests
{
    [Fact]
    public async Task Board_output_is_shown_and_typed_input_is_sent()
    {
        using var pty = PseudoTerminal.Open();
        var shown = new MemoryStream();
        // The keyboard: a pipe the test types into, so the console runs until Ctrl-A X, not a timer.
        using var keyboard = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var typed = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, keyboard.ClientSafePipeHandle);
        var console = Task.Run(() => SerialConsoleCommand.Run(pty.DevicePath, 115200, typed, new SynchronizedStream(shown), TimeSpan.FromSeconds(60)));

        keyboard.Write(Encoding.ASCII.GetBytes("reboot\r"));
        Assert.Equal("reboot\r", await pty.ReadBoardInput(7, TimeSpan.FromSeconds(10)));
        pty.Master.Write(Encoding.ASCII.GetBytes("[ OK ] DRAM 2048 MiB\r\n"));
        pty.Master.Flush();
        for (int i = 0; i < 200 && !Shown(shown).Contains("[ OK ] DRAM 2048 MiB", StringComparison.Ordinal); i++)
            await Task.Delay(50);

        keyboard.Write([0x01, (byte)'x']);
        Assert.Equal(0, await console.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("[ OK ] DRAM 2048 MiB", Shown(shown));
    }

    private static string Shown(MemoryStream shown)
    {
        lock (shown)
            return Encoding.ASCII.GetString(shown.ToArray());
    }

    [Fact]
    public async Task Ctrl_a_x_stops_the_console_and_is_not_sent()
    {
        using var pty = PseudoTerminal.Open();
        var typed = new MemoryStream([(byte)'a', 0x01, (byte)'x', (byte)'b']);
        var console = Task.Run(() => SerialConsoleCommand.Run(pty.DevicePath, 115200, typed, Stream.Null, TimeSpan.FromSeconds(30)));
        // Ctrl-A X must stop the console long before its 30 s timeout: WaitAsync throws a TimeoutException otherwise.
        Assert.Equal(0, await console.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("a", await pty.ReadBoardInput(1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_path_that_is_not_a_serial_device_is_refused()
    {
        string file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<BuildFailure>(() => SerialConsoleCommand.Run(file, 115200, Stream.Null, Stream.Null, TimeSpan.FromSeconds(1)));
            Assert.Contains("not a serial device", error.Message);
            var missing = Assert.Throws<BuildFailure>(() => SerialConsoleCommand.Run("/dev/ttyUSB97", 115200, Stream.Null, Stream.Null, TimeSpan.FromSeconds(1)));
            Assert.Contains("no serial device /dev/ttyUSB97", missing.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A stream two threads may write to and the test reads afterwards.</summary>
    private sealed class SynchronizedStream(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (inner)
                inner.Write(buffer, offset, count);
        }
    }
}

/// <summary>A pseudo-terminal pair from libc: the slave is the "serial device", the master the board's end.</summary>
public sealed partial class PseudoTerminal : IDisposable
{
    private const int ReadWrite = 2, NoControllingTerminal = 0x100;   // O_RDWR, O_NOCTTY (Linux)

    /// <summary>Held open for the test: a master whose slave nobody has open reads EIO (a hang-up).</summary>
    private readonly FileStream _slave;

    private PseudoTerminal(FileStream master, string devicePath)
    {
        Master = master;
        DevicePath = devicePath;
        _slave = new FileStream(devicePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
    }

    public FileStream Master { get; }

    public string DevicePath { get; }

    public static PseudoTerminal Open()
    {
        int fd = posix_openpt(ReadWrite | NoControllingTerminal);
        if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0)
            throw new IOException("no pseudo-terminal: posix_openpt failed");
        string path = Marshal.PtrToStringAnsi(ptsname(fd))!;
        return new PseudoTerminal(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite, 1), path);
    }

    /// <summary>Reads what the console sent to the board, <paramref name="count"/> bytes, or fails after the timeout.</summary>
    public async Task<string> ReadBoardInput(int count, TimeSpan timeout)
    {
        var read = Task.Run(() =>
        {
            var bytes = new byte[count];
            Master.ReadExactly(bytes);
            return Encoding.ASCII.GetString(bytes);
        });
        return await read.WaitAsync(timeout);
    }

    public void Dispose()
    {
        Master.Dispose();
        _slave.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc")]
    private static partial IntPtr ptsname(int fd);
}
