using System.Text.Json;
using Unikernel.Tests.Net;
using Unikernel.Tests.Web;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Samples;

/// <summary>
/// samples/WebServer netbooted on each emulated board: curl in the test's namespace gets its page
/// and its JSON over IPv6 (link-local, with the TAP's zone) and over the link-local IPv4 address
/// the kernel makes from its MAC.
/// </summary>
[Collection("Images")]
public sealed class WebServerSampleTests(ImageFixture images, ITestOutputHelper log)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Our side of the TAP, in RFC 3927's reserved first /24 so no board picks it.</summary>
    private const string HostIpv4 = "169.254.0.1";

    [InteropTheory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void The_page_and_the_json_api_answer_curl_over_ipv6_and_ipv4(string board)
    {
        NetworkNamespace.Require("curl", "curl");
        var (network, scoped) = SampleBoot.Start(images.Bootloaders[board], images.WebServerKernels[board]);
        using (network)
        {
            network.WaitForConsole(@"web: serving / and /api/status on port 80 \(IPv6 and IPv4\)", Step);
            string ipv4 = network.WaitForConsole(@"\[ OK \] IPv4 (169\.254\.\d+\.\d+)/16 \(link-local, from the MAC\)", Step).Groups[1].Value;
            var run = network.Run("ip", "addr", "add", HostIpv4 + "/16", "dev", EmulatedNetwork.Tap);
            Assert.True(run.ExitCode == 0, run.Error);

            string ipv6Base = $"http://[{scoped.Replace("%", "%25")}]";
            var (status, page) = NamespacedCurl.Get(network, ipv6Base + "/");
            Assert.Equal(200, status);
            Assert.Contains($"<h1>Hello from a C# unikernel on {board}</h1>", page);

            foreach (string url in new[] { ipv6Base + "/api/status", $"http://{ipv4}/api/status" })
            {
                (status, string json) = NamespacedCurl.Get(network, url);
                Assert.Equal(200, status);
                using var facts = JsonDocument.Parse(json);
                Assert.Equal(board, facts.RootElement.GetProperty("board").GetString());
                Assert.True(facts.RootElement.GetProperty("requests").GetInt64() >= 2);
                log.WriteLine($"{url}: {json}");
            }
            (status, _) = NamespacedCurl.Get(network, $"http://{ipv4}/missing");
            Assert.Equal(404, status);
        }
    }
}
