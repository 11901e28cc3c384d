using System.Text.RegularExpressions;
using Unikernel.Tool.Build;

namespace Unikernel.Tests.Tool;

/// <summary>
/// No escape codes in piped output, and no colours with NO_COLOR on a terminal
/// (https://no-color.org): the tool's commands as a user runs them, through ./unikernel. In the
/// "Images" collection with the other tests that run the script, which may rebuild the tool.
/// </summary>
[Collection("Images")]
public sealed class PlainOutputTests(ImageFixture images) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("unikernel-plain-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Script => Path.Combine(images.Root, "unikernel");

    /// <summary>An upload of a raw binary to a port nothing listens on: an upload line, then an error.</summary>
    private string[] RefusedUpload()
    {
        string kernel = Path.Combine(_work, "kernel.bin");
        File.WriteAllBytes(kernel, new byte[64]);
        return ["upload", kernel, "--to", "127.0.0.1", "--port", "1", "--load", "0x42000000", "--timeout", "2"];
    }

    /// <summary>Colours (SGR) and the cursor hiding of Spectre's progress display.</summary>
    private static readonly Regex ColourOrCursor = new(@"\x1b\[[0-9;]*m|\x1b\[\?25[lh]");

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    public void Piped_output_has_no_escape_codes(string noColor)
    {
        var environment = new Dictionary<string, string> { ["NO_COLOR"] = noColor };
        foreach (string[] command in new[] { RefusedUpload(), ["bench", "--runs", "0"], ["build", "--board", "pine64"], ["run", "--help"] })
        {
            var result = ExternalProcess.TryRun(Script, command, _work, environment);
            string text = result.Output + result.Error;
            Assert.True(text.Length > 0, string.Join(' ', command));
            Assert.False(text.Contains('\x1b'), $"{string.Join(' ', command)} printed an escape code:\n{text}");
            if (command[0] != "run")
            {
                Assert.Equal(1, result.ExitCode);
                Assert.Contains("error: ", result.Output);
            }
        }
        var upload = ExternalProcess.TryRun(Script, RefusedUpload(), _work, environment);
        Assert.Contains("upload: ", upload.Output);
        Assert.Contains("refused the connection", upload.Output);
    }

    /// <summary>On a terminal (script(1) gives the tool one) colours come, unless NO_COLOR is set.</summary>
    [Theory]
    [InlineData("", true)]
    [InlineData("1", false)]
    public void On_a_terminal_colours_come_unless_NO_COLOR_is_set(string noColor, bool coloured)
    {
        string command = string.Join(' ', new[] { Script }.Concat(RefusedUpload()).Select(word => $"'{word}'"));
        var result = ExternalProcess.TryRun("script", ["-qec", command, "/dev/null"], _work, new Dictionary<string, string> { ["NO_COLOR"] = noColor });
        Assert.Contains("refused the connection", result.Output);
        Assert.True(ColourOrCursor.IsMatch(result.Output) == coloured, $"NO_COLOR='{noColor}':\n{result.Output.Replace("\x1b", "\\e")}");
    }
}
