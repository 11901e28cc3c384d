using System.Diagnostics;
using System.Xml.Linq;

namespace Unikernel.Tool.Test;

/// <summary>
/// `unikernel test`: dotnet test over the solution, with the console logger for people and a
/// TRX logger for the end: when a test fails, its name and first message line are printed
/// again after everything else, so the tail of a long CI log names what failed.
/// </summary>
public static class TestRun
{
    /// <summary>Tests that repeat what the bench measures run only when this is "1" (`--long`).</summary>
    public const string LongRunVariable = "UNIKERNEL_LONG_TESTS";

    /// <summary>The interface fuzz's frame count; `--long` makes it 2,000,000 unless it is set.</summary>
    public const string FuzzFramesVariable = "UNIKERNEL_FUZZ_FRAMES";

    public const string LongFuzzFrames = "2000000";

    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static int Run(string root, bool longRun, IEnumerable<string> dotnetTestArguments)
    {
        string results = Path.Combine(root, "build", "test-results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        if (longRun)
        {
            start.Environment[LongRunVariable] = "1";
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FuzzFramesVariable)))
                start.Environment[FuzzFramesVariable] = LongFuzzFrames;
        }
        foreach (string argument in new[] { "test", Path.Combine(root, "Unikernel.sln"), "-c", "Release",
                     "--logger", "console;verbosity=normal", "--logger", "trx", "--results-directory", results })
            start.ArgumentList.Add(argument);
        foreach (string argument in dotnetTestArguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var failed = FailedTests(results);
            Console.WriteLine(failed.Count == 0
                ? $"unikernel test: dotnet test exited with {process.ExitCode} and no test failed in {results} (a build or a test host failed: see above)"
                : $"unikernel test: {failed.Count} test{(failed.Count == 1 ? "" : "s")} failed (TRX files in {results}):");
            foreach (string line in failed)
                Console.WriteLine("  " + line);
        }
        return process.ExitCode;
    }

    /// <summary>"Name: first line of its message" for each failed test in the TRX files under <paramref name="directory"/>.</summary>
    public static List<string> FailedTests(string directory)
    {
        var failed = new List<string>();
        if (!Directory.Exists(directory))
            return failed;
        foreach (string file in Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file);
            }
            catch (System.Xml.XmlException)
            {
                failed.Add($"{Path.GetFileName(file)}: not a readable TRX file");
                continue;
            }
            foreach (var result in document.Descendants(Trx + "UnitTestResult").Where(r => (string?)r.Attribute("outcome") == "Failed"))
            {
                string message = result.Descendants(Trx + "Message").FirstOrDefault()?.Value ?? "";
                string first = message.Split('\n', 2)[0].Trim();
                failed.Add($"{result.Attribute("testName")?.Value}: {first}");
            }
        }
        return failed;
    }
}
