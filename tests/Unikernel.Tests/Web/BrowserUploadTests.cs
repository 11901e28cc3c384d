using Unikernel.Tests.Net;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Web;

/// <summary>
/// A real browser (Debian's chromium, headless, in the test's namespace) on the bootloader's web
/// page: it opens the page at the board's DHCP address (a browser cannot use a link-local IPv6
/// address with its zone), picks samples/Hello's image in the form, sends it, shows the verdict,
/// and the board runs the kernel.
/// </summary>
[Collection("Images")]
public sealed class BrowserUploadTests(ImageFixture images, ITestOutputHelper log)
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [InteropFact]
    public async Task The_browser_uploads_hello_through_the_form_and_the_board_runs_it()
    {
        const string board = "orangepi-pc";
        NetworkNamespace.Require("dnsmasq", "dnsmasq-base");
        using var network = EmulatedNetwork.Start(images.Bootloaders[board]);
        network.ServeDhcpv4();
        network.WaitForLinkLocal(Boot);
        string ipv4 = network.WaitForIpv4(Step);

        await using var browser = await NamespacedBrowser.StartAsync(network.Namespace);
        var page = await browser.Browser.NewPageAsync();
        var response = await page.GoToAsync($"http://{ipv4}/");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        Assert.Equal($"Unikernel bootloader on {board}", await page.GetTitleAsync());
        Assert.StartsWith(board, await page.EvaluateExpressionAsync<string>("document.getElementById('board').textContent"));
        Assert.Equal($"{ipv4}/16", await page.EvaluateExpressionAsync<string>("document.getElementById('ipv4').textContent.trim()"));

        var input = await page.QuerySelectorAsync("#kernel");
        await input.UploadFileAsync(images.SampleKernels[board].KernelImage);
        await page.ClickAsync("#send");
        await page.WaitForFunctionAsync("() => document.getElementById('verdict').textContent.startsWith('200 ')", new PuppeteerSharp.WaitForFunctionOptions { Timeout = 30_000 });
        string verdict = await page.EvaluateExpressionAsync<string>("document.getElementById('verdict').textContent");
        log.WriteLine($"the page shows: {verdict}");
        Assert.Matches(@"^200 ok \d+ sha256 [0-9a-f]{64}, jumping to 0x42000000", verdict);
        network.WaitForConsole($"hello from kernel at 0x42000000 on {board}", Step);
    }
}
