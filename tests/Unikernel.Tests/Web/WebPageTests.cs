using System.Text.Json;
using System.Text.RegularExpressions;
using Unikernel.Tests.Net;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;
using Unikernel.Tests.Image;
using Xunit.Abstractions;

namespace Unikernel.Tests.Web;

/// <summary>
/// The bootloader's web page on port 80 of the emulated boards, from curl and nc in the test's
/// namespace: the page and its JSON over IPv6 and IPv4 (a DHCP lease from dnsmasq), a kernel
/// uploaded with <c>curl -T</c> that runs, and bad requests (malformed, too large, too slow, not
/// a kernel) answered with their status while port 1337 still takes a kernel afterwards.
/// </summary>
[Collection("Images")]
public sealed class WebPageTests(ImageFixture images, ITestOutputHelper log)
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Boards => new() { "orangepi-pc", "qemu-virt" };

    private EmulatedNetwork Start(string board)
    {
        NetworkNamespace.Require("curl", "curl");
        NetworkNamespace.Require("dnsmasq", "dnsmasq-base");
        var network = EmulatedNetwork.Start(images.Bootloaders[board]);
        network.ServeDhcpv4();
        return network;
    }

    private static string Url(string linkLocal, string path) => $"http://[{linkLocal}%25{EmulatedNetwork.Tap}]{path}";

    /// <summary>Raw bytes to port 80 with nc, and what came back until the board closed (or <paramref name="wait"/> seconds of quiet).</summary>
    private static string Raw(EmulatedNetwork network, string address, string request, int wait = 15)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, request);
            return network.Run("sh", "-c", $"nc -w {wait} {EmulatedNetwork.Scoped(address)} 80 < {file}").Output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void The_page_and_its_json_answer_over_ipv6_and_ipv4(string board)
    {
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        network.WaitForConsole(@"web page on TCP port 80", Step);
        var (status, page) = NamespacedCurl.Get(network, Url(address, "/"));
        Assert.Equal(200, status);
        Assert.Contains($"<td id=board>{board} (", page);
        Assert.Contains(address, page);
        Assert.Contains("<form id=upload-form method=post action=/upload enctype=multipart/form-data>", page);

        string ipv4 = network.WaitForIpv4(Step);
        (status, string json) = NamespacedCurl.Get(network, $"http://{ipv4}/status.json");
        Assert.Equal(200, status);
        using var facts = JsonDocument.Parse(json);
        Assert.Equal(board, facts.RootElement.GetProperty("board").GetString());
        Assert.Equal($"{ipv4}/16", facts.RootElement.GetProperty("ipv4").GetString());
        Assert.Contains(address, facts.RootElement.GetProperty("ipv6").EnumerateArray().Select(item => item.GetString()));
        Assert.True(facts.RootElement.GetProperty("frames").GetProperty("received").GetInt64() > 0);
        log.WriteLine(json);

        (status, _) = NamespacedCurl.Get(network, Url(address, "/nothing-here"));
        Assert.Equal(404, status);
        (status, _) = NamespacedCurl.Get(network, "-X", "DELETE", Url(address, "/"));
        Assert.Equal(405, status);
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void A_kernel_put_with_curl_runs_and_the_page_lists_it(string board)
    {
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        string hello = images.SampleKernels[board].KernelImage;

        // Not a kernel first: refused with the reason, and listed.
        string notAKernel = Path.GetTempFileName();
        File.WriteAllText(notAKernel, string.Concat(Enumerable.Repeat("this is not a kernel image\n", 10)));
        var (status, body) = NamespacedCurl.Get(network, "-T", notAKernel, Url(address, "/upload"));
        File.Delete(notAKernel);
        Assert.Equal(422, status);
        Assert.Equal("error: bad magic (not a UKIMAGE)\n", body);
        (_, string json) = NamespacedCurl.Get(network, Url(address, "/status.json"));
        Assert.Contains("\"via\":\"http\"", json);
        Assert.Contains("\"outcome\":\"refused\",\"verdict\":\"bad magic (not a UKIMAGE)\"", json);

        (status, body) = NamespacedCurl.Get(network, "-T", hello, Url(address, "/upload"));
        Assert.Equal(200, status);
        Assert.Matches(@"^ok \d+ sha256 [0-9a-f]{64}, jumping to 0x42000000\n$", body);
        network.WaitForConsole($"hello from kernel at 0x42000000 on {board}", Step);
    }

    [InteropTheory]
    [MemberData(nameof(Boards))]
    public void Malformed_huge_and_slow_requests_get_their_status_and_port_1337_still_netboots(string board)
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        using var network = Start(board);
        string address = network.WaitForLinkLocal(Boot);
        network.WaitForConsole(@"web page on TCP port 80", Step);

        // A slow client first, left hanging while the others are answered: 408 after the head's 10 s.
        var slow = Task.Run(() => Raw(network, address, "GET / HTT", wait: 30));

        Assert.StartsWith("HTTP/1.1 400 ", Raw(network, address, "GET / HTTP/1.1\r\nHost: board\r\nNo colon here\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400 ", Raw(network, address, "GET / HTTP/1.1\r\nHost: board\r\nX-Big: " + new string('a', 9000) + "\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 413 ", Raw(network, address, "PUT /upload HTTP/1.1\r\nHost: board\r\nContent-Length: 99999999999999\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 501 ", Raw(network, address, "PUT /upload HTTP/1.1\r\nHost: board\r\nTransfer-Encoding: gzip\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 408 ", slow.Result);

        // A crowd of idle clients, more than the board has connections: those beyond the page's few get 503 at once.
        var crowd = Enumerable.Range(0, 10).Select(_ => Task.Run(() => network.Run("sh", "-c", $"sleep 20 | nc -w 25 {EmulatedNetwork.Scoped(address)} 80").Output)).ToArray();
        Thread.Sleep(3000);

        // The board still takes a kernel on port 1337, and runs it.
        var writer = new StringWriter();
        int exit = 1;
        network.Inside(() => exit = UploadCommand.Create(PlainConsole.Create(writer)).Parse(["upload", images.SampleKernels[board].KernelImage, "--to", EmulatedNetwork.Scoped(address)]).Invoke());
        Assert.True(exit == 0, writer.ToString());
        network.WaitForConsole($"hello from kernel at 0x42000000 on {board}", Step);
        Task.WaitAll(crowd);
        Assert.Contains(crowd, client => client.Result.StartsWith("HTTP/1.1 503 ", StringComparison.Ordinal));
    }
}
