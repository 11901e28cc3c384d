using Unikernel.Tool.Emulate;

namespace Unikernel.Tests.Web;

/// <summary>curl inside an emulated board's namespace: the HTTP status and the body.</summary>
internal static class NamespacedCurl
{
    /// <summary>Runs curl with <paramref name="arguments"/> (URL included); fails the test if curl gives no status.</summary>
    public static (int Status, string Body) Get(EmulatedNetwork network, params string[] arguments)
    {
        var result = network.Run(["curl", "--silent", "--show-error", "--max-time", "30", "--globoff", "--write-out", "\n%{http_code}", .. arguments]);
        int split = result.Output.LastIndexOf('\n');
        Assert.True(split >= 0 && int.TryParse(result.Output[(split + 1)..], out _), $"curl {string.Join(' ', arguments)}: {result.Output}{result.Error}");
        return (int.Parse(result.Output[(split + 1)..]), result.Output[..split]);
    }
}
