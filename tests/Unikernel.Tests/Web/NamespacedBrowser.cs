using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using PuppeteerSharp;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests.Web;

/// <summary>
/// Debian's chromium, headless, running inside a test's network namespace (so it reaches the
/// emulated board), driven over the DevTools protocol by PuppeteerSharp from the test, which runs
/// in the host's namespace: chromium's DevTools socket listens on the namespace's loopback, and
/// our WebSocket's TCP connection is opened by a thread that entered the namespace.
/// </summary>
public sealed class NamespacedBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _chromium;
    private readonly string _profile;

    private NamespacedBrowser(Process chromium, string profile, IBrowser browser)
    {
        _chromium = chromium;
        _profile = profile;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Starts chromium in <paramref name="namespaceName"/> and connects to it.</summary>
    public static async Task<NamespacedBrowser> StartAsync(string namespaceName)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install Debian's chromium (apt-get install chromium; ./unikernel installs it)");
        string profile = Directory.CreateTempSubdirectory("unikernel-chromium-").FullName;
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "netns", "exec", namespaceName, Executable, "--headless", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank",
        })
            start.ArgumentList.Add(argument);
        var chromium = Process.Start(start)!;
        try
        {
            string endpoint = await DevToolsEndpointAsync(chromium);
            var browser = await Puppeteer.ConnectAsync(new ConnectOptions
            {
                BrowserWSEndpoint = endpoint,
                WebSocketFactory = (uri, _, token) => ConnectInsideAsync(namespaceName, uri, token),
            });
            return new NamespacedBrowser(chromium, profile, browser);
        }
        catch
        {
            chromium.Kill(entireProcessTree: true);
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>chromium prints <c>DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID</c> on its standard error.</summary>
    private static async Task<string> DevToolsEndpointAsync(Process chromium)
    {
        const string Prefix = "DevTools listening on ";
        var seen = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await chromium.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
                return line[Prefix.Length..];
            seen.AppendLine(line);
        }
        throw new InvalidOperationException($"chromium ended without its DevTools endpoint:\n{seen}");
    }

    /// <summary>A WebSocket whose TCP connection belongs to the namespace (setns moves only the calling thread, and a socket stays where it was made).</summary>
    private static async Task<WebSocket> ConnectInsideAsync(string namespaceName, Uri uri, CancellationToken token)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (context, _) =>
            {
                Socket? socket = null;
                NamespaceThread.Run(namespaceName, () =>
                {
                    socket = new Socket(SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    socket.Connect(context.DnsEndPoint);
                });
                return ValueTask.FromResult<Stream>(new NetworkStream(socket!, ownsSocket: true));
            },
        };
        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        await client.ConnectAsync(uri, new HttpMessageInvoker(handler), token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync();
        }
        catch (Exception)
        {
            // chromium may be gone already; it is killed below either way.
        }
        Browser.Dispose();
        if (!_chromium.HasExited)
            _chromium.Kill(entireProcessTree: true);
        _chromium.WaitForExit(5000);
        _chromium.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}
