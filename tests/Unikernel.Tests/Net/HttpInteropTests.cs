using System.Security.Cryptography;
using Unikernel.Tool.Build;
using Unikernel.Tool.HostStack;

namespace Unikernel.Tests.Net;

/// <summary>
/// Our HTTP server (hoststack's site on port 80) against curl, in a network namespace of the
/// test's own: a page over IPv4 and IPv6, HEAD, two requests on one connection, an 8 MiB
/// upload with curl -T (which sends Expect: 100-continue) and a chunked one, a form with a
/// file (multipart/form-data, as a browser posts it), a streamed response of 3 MB. Needs root,
/// as CI is.
/// </summary>
[Collection("Host stack interop")]
public class HttpInteropTests
{
    private const string Address = "169.254.77.2";

    private static HostStackLink NewLink()
    {
        NetworkNamespace.Require("curl", "curl");
        return new HostStackLink(Address + "/16", "169.254.77.1/16");
    }

    private static ExternalProcess.Result Curl(HostStackLink link, params string[] arguments)
    {
        var result = link.Space.TryRun(["curl", "--silent", "--show-error", "--max-time", "60", .. arguments]);
        Assert.True(result.ExitCode == 0, $"curl {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Error}");
        return result;
    }

    [InteropFact]
    public void Curl_gets_a_page_over_both_families_and_heads_it()
    {
        using var link = NewLink();
        Assert.Contains("<h1>hoststack</h1>", Curl(link, $"http://{Address}/").Output);
        Assert.Contains("<h1>hoststack</h1>", Curl(link, "--globoff", $"http://[{HostStackLink.LinkLocal}%25uk0]/").Output);
        var head = Curl(link, "--head", $"http://{Address}/").Output;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Contains("Content-Length: ", head);
        var missing = Curl(link, "--include", $"http://{Address}/nothing").Output;
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", missing);
    }

    [InteropFact]
    public void Curl_reuses_the_connection_for_a_second_request()
    {
        using var link = NewLink();
        var result = Curl(link, "--verbose", $"http://{Address}/", $"http://{Address}/");
        Assert.Equal(2, result.Output.Split("<h1>hoststack</h1>").Length - 1);
        // curl says so in its verbose log ("Re-using existing connection" or "Reusing existing ... connection").
        Assert.Matches("(?i)re-?using existing", result.Error);
        Assert.Contains("connection 0,", result.Output);
        Assert.DoesNotContain("connection 1,", result.Output);
    }

    [InteropTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Curl_uploads_8_MiB_and_the_server_hashes_it_as_it_arrives(bool chunked)
    {
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        byte[] data = RandomNumberGenerator.GetBytes(8 << 20);
        File.WriteAllBytes(files.File("upload"), data);
        string digest = Convert.ToHexStringLower(SHA256.HashData(data));
        string[] framing = chunked ? ["--header", "Transfer-Encoding: chunked"] : [];
        var result = Curl(link, ["--verbose", "--upload-file", files.File("upload"), .. framing, $"http://{Address}/upload"]);
        Assert.Equal($"stored {data.Length} bytes sha256 {digest}\n", result.Output);
        if (chunked)
            Assert.Contains("Transfer-Encoding: chunked", result.Error);
        else
            Assert.Contains("HTTP/1.1 100 Continue", result.Error); // curl -T asks for it with a large file
        link.Stack.WaitForLine($"^hoststack: http upload {data.Length} bytes sha256 {digest}$", TimeSpan.FromSeconds(10));
    }

    [InteropFact]
    public void Curl_posts_a_form_with_a_file_of_4_MiB_and_the_server_hashes_the_file_part()
    {
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        byte[] data = RandomNumberGenerator.GetBytes(4 << 20);
        File.WriteAllBytes(files.File("kernel.bin"), data);
        string digest = Convert.ToHexStringLower(SHA256.HashData(data));
        var result = Curl(link, "--form", "note=first build", "--form", $"image=@{files.File("kernel.bin")}", $"http://{Address}/upload");
        Assert.Equal($"stored {data.Length} bytes sha256 {digest}\n", result.Output);
    }

    [InteropFact]
    public void Curl_receives_a_streamed_response_of_3_MB()
    {
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        const int Length = 3_000_000;
        var result = Curl(link, "--verbose", "--output", files.File("stream"), $"http://{Address}/stream?{Length}");
        Assert.Contains("Transfer-Encoding: chunked", result.Error);
        byte[] received = File.ReadAllBytes(files.File("stream"));
        Assert.Equal(Length, received.Length);
        for (int i = 0; i < Length; i++)
        {
            if (received[i] != HostStackSite.StreamByte(i))
                Assert.Fail($"byte {i} is {received[i]}, not {HostStackSite.StreamByte(i)}");
        }
    }
}
