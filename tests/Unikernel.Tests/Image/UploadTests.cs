using System.Net;
using System.Net.NetworkInformation;
using Spectre.Console;
using Unikernel.Boot.Image;
using Unikernel.Tool.Upload;

namespace Unikernel.Tests.Image;

/// <summary>
/// `unikernel upload` against a bootloader on loopback (<see cref="FakeBootloader"/>: the real upload service, or a misbehaving one):
/// raw files are wrapped, images go as they are, every reply and network failure has its message.
/// </summary>
public sealed class UploadTests : IDisposable
{
    private const ulong Load = 0x4200_0000;
    private readonly string _directory = Directory.CreateTempSubdirectory("unikernel-upload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string RawFile(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        // A raw kernel never starts with the magic; make sure random bytes do not either.
        data[0] = 0x7F;
        string path = Path.Combine(_directory, $"raw-{length}-{seed}.bin");
        File.WriteAllBytes(path, data);
        return path;
    }

    private string ImageFile(byte[] payload, ulong load = Load, ulong entry = Load + 4, Action<byte[]>? spoil = null)
    {
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, load, entry, payload);
        byte[] file = [.. header, .. payload];
        spoil?.Invoke(file);
        string path = Path.Combine(_directory, $"image-{Guid.NewGuid():N}.uki");
        File.WriteAllBytes(path, file);
        return path;
    }

    /// <summary>Runs the command as the CLI does (options parsed by System.CommandLine), capturing its output.</summary>
    private static (int ExitCode, string Output) Upload(params string[] arguments)
    {
        var writer = new StringWriter();
        var console = PlainConsole.Create(writer);
        int exit = UploadCommand.Create(console).Parse(["upload", .. arguments]).Invoke();
        return (exit, writer.ToString());
    }

    [Fact]
    public void Raw_binary_is_wrapped_in_a_header_and_the_ok_reply_exits_0()
    {
        string path = RawFile(300_000);
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Honest);
        var (exit, output) = Upload(path, "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000", "--entry", "0x42000040");
        Assert.True(exit == 0, output);

        byte[] received = bootloader.Received;
        byte[] raw = File.ReadAllBytes(path);
        Assert.Equal(KernelImage.FixedHeaderLength + raw.Length, received.Length);
        Assert.True(KernelImage.TryParse(received, uint.MaxValue, [], out var image, out var reason), reason.ToString());
        Assert.Equal(Load, image.LoadAddress);
        Assert.Equal(Load + 0x40, image.EntryPoint);
        Assert.Equal((uint)raw.Length, image.PayloadLength);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(raw), image.PayloadSha256.ToArray());
        Assert.Equal(raw, received[64..]);
        Assert.Contains("raw binary, wrapped in a header: 300000 bytes at 0x42000000, entry 0x42000040", output);
        Assert.Contains($"bootloader: ok 300000 sha256 {Convert.ToHexStringLower(image.PayloadSha256)}, jumping to 0x42000040", output);
    }

    [Fact]
    public void The_entry_defaults_to_the_load_address_and_decimal_addresses_work()
    {
        string path = RawFile(1000);
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Honest);
        var (exit, output) = Upload(path, "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "1107296256");
        Assert.True(exit == 0, output);
        Assert.True(KernelImage.TryParse(bootloader.Received, uint.MaxValue, [], out var image, out _));
        Assert.Equal(Load, image.EntryPoint);
    }

    [Fact]
    public void An_image_file_goes_as_it_is_over_ipv6()
    {
        if (!Socket_supports_ipv6_loopback())
            return;
        var payload = new byte[70_000];
        new Random(2).NextBytes(payload);
        string path = ImageFile(payload);
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Honest, IPAddress.IPv6Loopback);
        var (exit, output) = Upload(path, "--to", "::1", "--port", $"{bootloader.Port}");
        Assert.True(exit == 0, output);
        Assert.Equal(File.ReadAllBytes(path), bootloader.Received);
        Assert.Contains("kernel image: 70000 bytes at 0x42000000, entry 0x42000004", output);
        Assert.Contains($"to ::1 port {bootloader.Port}", output);
    }

    [Fact]
    public void An_image_file_refuses_load_and_entry()
    {
        string path = ImageFile(new byte[10]);
        var (exit, output) = Upload(path, "--to", "127.0.0.1", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Contains("is a kernel image already (it starts with UKIMAGE)", output);
    }

    [Fact]
    public void A_damaged_image_file_is_caught_before_sending()
    {
        var (exit, output) = Upload(ImageFile(new byte[10], spoil: f => f[40] ^= 1), "--to", "127.0.0.1");
        Assert.Equal(1, exit);
        Assert.Matches("its header gives sha256 [0-9a-f]{64}, its payload hashes to [0-9a-f]{64}", output);

        (exit, output) = Upload(ImageFile(new byte[10], spoil: f => f[8] = 3), "--to", "127.0.0.1");
        Assert.Equal(1, exit);
        Assert.Contains("starts with UKIMAGE but its header is bad: unsupported format version", output);

        string truncated = ImageFile(new byte[10]);
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..70]);
        (exit, output) = Upload(truncated, "--to", "127.0.0.1");
        Assert.Equal(1, exit);
        Assert.Contains("its header says 10 payload bytes, the file holds 6 after the header", output);
    }

    [Fact]
    public void A_raw_binary_needs_a_load_address_and_an_entry_inside()
    {
        string path = RawFile(100);
        var (exit, output) = Upload(path, "--to", "127.0.0.1");
        Assert.Equal(1, exit);
        Assert.Contains("is a raw binary: give --load ADDR", output);

        (exit, output) = Upload(path, "--to", "127.0.0.1", "--load", "0x1000", "--entry", "0x1064");
        Assert.Equal(1, exit);
        Assert.Contains("cannot be loaded at 0x1000 with entry 0x1064 (100 bytes): entry point outside the loaded range", output);

        (exit, output) = Upload(path, "--to", "127.0.0.1", "--load", "0xG");
        Assert.Equal(1, exit);
        Assert.Contains("--load '0xG' is not an address", output);

        (exit, output) = Upload(path, "--to", "127.0.0.1", "--load", "0xffffffffffffffff");
        Assert.Equal(1, exit);
        Assert.Contains("load range passes the end of the address space", output);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var (exit, output) = Upload(Path.Combine(_directory, "nothing.bin"), "--to", "127.0.0.1", "--load", "0");
        Assert.Equal(1, exit);
        Assert.Contains("cannot read", output);
        Assert.Contains("nothing.bin", output);
    }

    [Fact]
    public void An_error_reply_exits_1_and_is_printed()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Honest, forbidden: [new AddressRange(0x4000_0000, 0x400_0000)]);
        var (exit, output) = Upload(RawFile(5000), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Contains("bootloader: error: load range overlaps the bootloader", output);
        Assert.Contains("error: the bootloader refused the image", output);
    }

    [Fact]
    public void An_early_error_reply_while_the_payload_is_still_going_is_printed()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.RefuseAfterHeader);
        var (exit, output) = Upload(RawFile(4 << 20), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Contains("bootloader: error: payload too long", output);
        Assert.Equal(64 + (4 << 20), bootloader.Received.Length);
    }

    [Fact]
    public void An_ok_with_another_hash_exits_1()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.WrongHash);
        var (exit, output) = Upload(RawFile(1000), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Matches($"error: the bootloader's sha256 0{{64}} is not the payload's [0-9a-f]{{64}}", output);
    }

    [Fact]
    public void A_close_without_a_reply_exits_1()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Silent);
        var (exit, output) = Upload(RawFile(1000), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Contains("error: the bootloader closed the connection without a reply", output);
    }

    [Fact]
    public void Something_else_on_the_port_is_not_taken_for_the_bootloader()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.NotABootloader);
        var (exit, output) = Upload(RawFile(1000), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Contains("bootloader: HTTP/1.1 400 Bad Request", output);
        Assert.Contains("bootloader: connection: close", output);
        Assert.Contains("the reply is not the bootloader's", output);
    }

    [Fact]
    public void No_reply_within_the_timeout()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Hang);
        var (exit, output) = Upload(RawFile(1000), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000", "--timeout", "1");
        Assert.Equal(1, exit);
        Assert.Contains($"error: no reply from 127.0.0.1 port {bootloader.Port} within 1 s after the upload", output);
    }

    [Fact]
    public void A_reset_midway_says_how_far_it_got()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.ResetAfterHeader);
        var (exit, output) = Upload(RawFile(16 << 20), "--to", "127.0.0.1", "--port", $"{bootloader.Port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Matches($@"error: 127\.0\.0\.1 port {bootloader.Port} (broke the connection after \d+ of {(16 << 20) + 64} bytes \(ConnectionReset|broke the connection before replying)", output);
    }

    [Fact]
    public void A_refused_connection_says_nothing_listens()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exit, output) = Upload(RawFile(10), "--to", "127.0.0.1", "--port", $"{port}", "--load", "0x42000000");
        Assert.Equal(1, exit);
        Assert.Contains($"error: 127.0.0.1 port {port} refused the connection: nothing listens there", output);
    }

    [Fact]
    public void Addresses_are_checked_before_anything_is_sent()
    {
        string path = RawFile(10);
        Assert.Contains("fe80::1 is link-local: name the interface it is on, e.g. fe80::1%eth0", Upload(path, "--to", "fe80::1", "--load", "0").Output);
        Assert.Contains("'fe80::1%nosuchif': no interface named 'nosuchif' here; interfaces: ", Upload(path, "--to", "fe80::1%nosuchif", "--load", "0").Output);
        Assert.Contains("'board.local' is not an IP address", Upload(path, "--to", "board.local", "--load", "0").Output);
        Assert.Contains("'10.0.0.1%lo': only an IPv6 address takes %IF", Upload(path, "--to", "10.0.0.1%lo", "--load", "0").Output);
        Assert.Contains("--port 70000 is not a TCP port", Upload(path, "--to", "10.0.0.1", "--port", "70000", "--load", "0").Output);
        Assert.Contains("--timeout must be positive", Upload(path, "--to", "10.0.0.1", "--timeout", "0", "--load", "0").Output);
        Assert.NotEqual(0, Upload(path, "--load", "0").ExitCode); // --to is required
    }

    [Fact]
    public void A_link_local_target_takes_the_interface_index()
    {
        var loopback = NetworkInterface.GetAllNetworkInterfaces().First(n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback);
        if (!loopback.Supports(NetworkInterfaceComponent.IPv6))
            return;
        var target = UploadTarget.Parse($"fe80::1%{loopback.Name}", 1337);
        Assert.Equal(loopback.GetIPProperties().GetIPv6Properties().Index, target.EndPoint.Address.ScopeId);
        Assert.Equal($"fe80::1%{loopback.Name} port 1337", target.ToString());
        Assert.Equal(target.EndPoint, UploadTarget.Parse($"[fe80::1%{loopback.Name}]", 1337).EndPoint);
    }

    [Theory]
    [InlineData("ok 5 sha256 0000000000000000000000000000000000000000000000000000000000000000, jumping to 0x10\n", true)]
    [InlineData("ok\n", true)]
    [InlineData("okay\n", false)]
    [InlineData("error: bad magic (not a UKIMAGE)\n", false)]
    [InlineData("", false)]
    public void Reply_verdicts(string text, bool ok)
    {
        Assert.Equal(ok, BootloaderReply.Parse(text).IsOk);
    }

    [Fact]
    public void The_ok_line_is_held_to_what_was_sent()
    {
        var payload = new byte[5];
        var header = new byte[64];
        KernelImage.Emit(header, 0x10, 0x12, payload);
        string sha = Convert.ToHexStringLower(header.AsSpan(32, 32));
        var sent = new UploadImage(header, payload, 0x10, 0x12, sha, Wrapped: true);
        Assert.Null(BootloaderReply.Parse($"ok 5 sha256 {sha}, jumping to 0x12\r\n").Mismatch(sent));
        Assert.Contains("took 4 bytes", BootloaderReply.Parse($"ok 4 sha256 {sha}, jumping to 0x12").Mismatch(sent));
        Assert.Contains("jumps to 0x10", BootloaderReply.Parse($"ok 5 sha256 {sha}, jumping to 0x10").Mismatch(sent));
        Assert.Null(BootloaderReply.Parse("ok, free-form").Mismatch(sent));
    }

    private static bool Socket_supports_ipv6_loopback() => System.Net.Sockets.Socket.OSSupportsIPv6;
}
