using System.Security.Cryptography;
using System.Text;
using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Netboot;
using Unikernel.Netboot.Web;
using Unikernel.Tests.Netboot;

namespace Unikernel.Tests.Web;

/// <summary>
/// The web page's service on the host, beside the upload service on port 1337, both on the
/// board's real stack over a wire in memory: one receiver behind two doors, one upload at a time,
/// the history of both, and the jump after a good kernel's answer.
/// </summary>
public sealed class WebPageServiceTests
{
    private const ulong DramStart = 0x4000_0000;
    private const int DramLength = 1 << 20;
    private const ulong Load = DramStart + 0x1_0000;

    private readonly ArrayMemory _dram = new(DramStart, new byte[DramLength]);
    private readonly UploadSlot _slot = new();
    private readonly UploadHistory _history = new();
    private readonly UploadLink<ArrayMemory, RecordedReport> _link;
    private WebPageService<ArrayMemory, TestBoard>? _web;

    public WebPageServiceTests()
    {
        var receiver = new KernelReceiver<ArrayMemory>(_dram.Range, [new AddressRange(DramStart, 0x1_0000)], _dram);
        _link = new(
            stack => new NetbootService<ArrayMemory, RecordedReport>(stack, receiver, new RecordedReport([]), _slot, _history),
            alongside: stack =>
            {
                _web = new WebPageService<ArrayMemory, TestBoard>(stack, receiver, _slot, _history, DramLength);
                Assert.True(_web.IsListening);
                return _web.Step;
            });
    }

    private struct TestBoard : IWebPageBoard
    {
        public static ReadOnlySpan<byte> Name => "test-board"u8;
        public static ReadOnlySpan<byte> Soc => "no SoC"u8;
        public static ReadOnlySpan<byte> Cpu => "the host's"u8;

        public static bool TryReadTemperature(out int millicelsius)
        {
            millicelsius = 41_250;
            return true;
        }
    }

    private static byte[] Image(int length, int seed)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        var file = new byte[KernelImage.FixedHeaderLength + length];
        KernelImage.Emit(file, Load, Load + 4, payload);
        payload.CopyTo(file.AsSpan(KernelImage.FixedHeaderLength));
        return file;
    }

    private TcpHandle ConnectToWeb()
    {
        var board = new IpEndpoint(UploadLink<ArrayMemory, RecordedReport>.BoardIpv4, 80);
        Assert.Equal(TcpConnectResult.Started, _link.Peer.Tcp.Connect(board, out TcpHandle connection));
        _link.RunUntil(() => _link.Peer.Tcp.StateOf(connection) == TcpState.Established, "the web page accepts the connection");
        return connection;
    }

    private void SendAll(TcpHandle connection, byte[] data)
    {
        int sent = 0;
        _link.RunUntil(() =>
        {
            if (sent < data.Length)
                sent += Math.Max(0, _link.Peer.Tcp.Send(connection, data.AsSpan(sent)));
            return sent == data.Length;
        }, "the peer sent the request");
    }

    private static byte[] Put(byte[] body) => [.. Encoding.ASCII.GetBytes($"PUT /upload HTTP/1.1\r\nHost: board\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];

    [Fact]
    public void A_kernel_put_on_the_page_is_answered_with_the_verdict_line_and_jumped_to_after_the_answer()
    {
        byte[] image = Image(20_000, seed: 1);
        var connection = ConnectToWeb();
        SendAll(connection, Put(image));
        string reply = _link.ReadReply(connection);
        string digest = Convert.ToHexStringLower(SHA256.HashData(image.AsSpan(KernelImage.FixedHeaderLength)));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", reply);
        Assert.EndsWith($"\r\n\r\nok 20000 sha256 {digest}, jumping to 0x{Load + 4:x8}\n", reply);
        _link.Peer.Tcp.Close(connection);
        _link.RunUntil(() => _link.Jumps == 1, "the service says to jump");
        Assert.Equal(image.AsSpan(KernelImage.FixedHeaderLength).ToArray(), _dram.Bytes.AsSpan((int)(Load - DramStart), 20_000).ToArray());
        Assert.Equal(UploadChannel.Http, _history[0].Channel);
        Assert.Equal(UploadOutcome.Accepted, _history[0].Outcome);
        Assert.True(_slot.IsHeld, "nothing else may be uploaded over the kernel before the jump");
    }

    /// <summary>A browser's form without the page's script: multipart/form-data (RFC 7578) with a text field before the file.</summary>
    private static byte[] FormPost(byte[] image, string boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW")
    {
        byte[] body =
        [
            .. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom a test\r\n"),
            .. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"kernel\"; filename=\"Hello.img\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
            .. image,
            .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"),
        ];
        return [.. Encoding.ASCII.GetBytes($"POST /upload HTTP/1.1\r\nHost: board\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
    }

    [Fact]
    public void A_kernel_posted_by_a_form_without_the_script_is_taken_from_its_file_part()
    {
        byte[] image = Image(20_000, seed: 5);
        var connection = ConnectToWeb();
        SendAll(connection, FormPost(image));
        string reply = _link.ReadReply(connection);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", reply);
        Assert.Contains("\r\n\r\nok 20000 sha256 ", reply);
        _link.Peer.Tcp.Close(connection);
        _link.RunUntil(() => _link.Jumps == 1, "the service says to jump");
        Assert.Equal(image.AsSpan(KernelImage.FixedHeaderLength).ToArray(), _dram.Bytes.AsSpan((int)(Load - DramStart), 20_000).ToArray());
    }

    [Fact]
    public void A_form_that_ends_before_its_close_delimiter_is_refused_and_frees_the_receiver()
    {
        byte[] post = FormPost(Image(2_000, seed: 6));
        // The close delimiter cut off, Content-Length adjusted: the form never finishes.
        string text = Encoding.Latin1.GetString(post);
        int cut = text.LastIndexOf("\r\n--", StringComparison.Ordinal);
        byte[] body = post.AsSpan(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4, cut - (text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)).ToArray();
        string head = text[..text.IndexOf("Content-Length:", StringComparison.Ordinal)] + $"Content-Length: {body.Length}\r\n\r\n";
        var connection = ConnectToWeb();
        SendAll(connection, [.. Encoding.Latin1.GetBytes(head), .. body]);
        Assert.StartsWith("HTTP/1.1 400 ", _link.ReadReply(connection));
        _link.RunUntil(() => !_slot.IsHeld, "the receiver is free again");
        Assert.Equal(UploadOutcome.Abandoned, _history[0].Outcome);
    }

    [Fact]
    public void While_the_page_takes_an_upload_port_1337_waits_and_then_takes_its_own()
    {
        byte[] image = Image(8_000, seed: 2);
        var web = ConnectToWeb();
        byte[] request = Put(image);
        // Half the upload: the page holds the receiver.
        SendAll(web, request.AsSpan(0, request.Length / 2).ToArray());
        _link.RunUntil(() => _slot.IsHeld && _slot.Holder == UploadChannel.Http, "the page holds the receiver");

        var board1337 = new IpEndpoint(UploadLink<ArrayMemory, RecordedReport>.BoardIpv4, NetbootService<ArrayMemory, RecordedReport>.Port);
        Assert.Equal(TcpConnectResult.Started, _link.Peer.Tcp.Connect(board1337, out TcpHandle tcp));
        _link.Run(200);
        Assert.False(_link.Service.Busy, "port 1337 must not take the receiver from the page's upload");

        // A second PUT on the page meanwhile: 503.
        var second = ConnectToWeb();
        SendAll(second, Put(image));
        Assert.StartsWith("HTTP/1.1 503 ", _link.ReadReply(second));

        // The page's upload is refused (its body is not the kernel it says), which frees the receiver for port 1337.
        byte[] damaged = request.AsSpan(request.Length / 2).ToArray();
        damaged[^1] ^= 0xFF;
        SendAll(web, damaged);
        Assert.Contains("error: sha256 mismatch", _link.ReadReply(web));
        _link.RunUntil(() => _link.Service.Busy, "port 1337 takes its upload");
        _link.Send(tcp, Image(3_000, seed: 3), 1460);
        Assert.StartsWith("ok 3000 ", _link.Finish(tcp));

        Assert.Equal(2, _history.Count);
        Assert.Equal((UploadChannel.Tcp, UploadOutcome.Accepted), (_history[0].Channel, _history[0].Outcome));
        Assert.Equal((UploadChannel.Http, UploadOutcome.Refused, ImageError.Sha256Mismatch), (_history[1].Channel, _history[1].Outcome, _history[1].Verdict));
    }

    [Fact]
    public void Pages_that_leave_every_connection_in_time_wait_do_not_keep_port_1337_from_an_upload()
    {
        // The board's table has 4 connections; the page closes first after each answer, so each
        // leaves a TIME-WAIT behind on the board for 2 MSL.
        for (int i = 0; i < 4; i++)
        {
            var page = ConnectToWeb();
            SendAll(page, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: board\r\nConnection: close\r\n\r\n"));
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", _link.ReadReply(page));
            _link.Peer.Tcp.Close(page);
            _link.Run(20);
        }
        var connection = _link.Connect();
        _link.Send(connection, Image(3_000, seed: 4), 1460);
        Assert.StartsWith("ok 3000 ", _link.Finish(connection));
    }

    [Fact]
    public void A_crowd_of_idle_clients_that_never_close_does_not_keep_port_1337_from_an_upload()
    {
        // The board's table has 4 connections: the page serves 3 idle ones, a 4th is answered 503
        // and closed by the board, and its client never closes (FIN-WAIT-2 on the board).
        for (int i = 0; i < 3; i++)
            ConnectToWeb();
        _link.RunUntil(() => _web!.Server.ActiveConnections == 3, "the page serves three");
        var refused = ConnectToWeb();
        Assert.StartsWith("HTTP/1.1 503 ", _link.ReadReply(refused));

        var connection = _link.Connect();
        _link.Send(connection, Image(3_000, seed: 7), 1460);
        Assert.StartsWith("ok 3000 ", _link.Finish(connection));
    }

    [Fact]
    public void The_status_json_lists_the_board_its_addresses_and_the_uploads()
    {
        var connection = ConnectToWeb();
        SendAll(connection, Encoding.ASCII.GetBytes("GET /status.json HTTP/1.1\r\nHost: board\r\nConnection: close\r\n\r\n"));
        string reply = _link.ReadReply(connection);
        string json = reply[(reply.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        using var facts = System.Text.Json.JsonDocument.Parse(json);
        var root = facts.RootElement;
        Assert.Equal("test-board", root.GetProperty("board").GetString());
        Assert.Equal(41_250, root.GetProperty("temperature_millicelsius").GetInt32());
        Assert.Equal("169.254.77.2/16", root.GetProperty("ipv4").GetString());
        Assert.Equal(DramLength, root.GetProperty("memory_bytes").GetInt64());
        Assert.Equal(0, root.GetProperty("uploads").GetArrayLength());
    }
}
