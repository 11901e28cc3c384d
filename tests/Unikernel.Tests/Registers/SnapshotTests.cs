using Unikernel.Tool;

namespace Unikernel.Tests.Registers;

/// <summary>
/// The generated code for every SoC, block, board and the PMIC, against approved files in
/// Registers/Approved/ that reviewers read in diffs. After an intended change, run the tests
/// with UNIKERNEL_APPROVE=1 and commit the new approved files.
/// </summary>
public class SnapshotTests
{
    private static readonly string Approved = Path.Combine(Repository.FindRoot(), "tests", "Unikernel.Tests", "Registers", "Approved");

    public static TheoryData<string> GeneratedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var source in Generate().Keys.Order(StringComparer.Ordinal))
            data.Add(source);
        return data;
    }

    private static Dictionary<string, string> Generate()
    {
        string hardware = Path.Combine(Repository.FindRoot(), "hardware");
        var files = Directory.GetFiles(hardware, "*.yaml", SearchOption.AllDirectories)
            .Select(path => GeneratorHarness.FileAt(path, File.ReadAllText(path)));
        var result = GeneratorHarness.Run(files, "class Empty { }");
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.Errors);
        return result.Run.Results.SelectMany(r => r.GeneratedSources)
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString().Replace(hardware, "hardware"));
    }

    private static readonly Lazy<Dictionary<string, string>> Sources = new(Generate);

    [Fact]
    public void Every_soc_and_the_pmic_have_generated_code()
    {
        Assert.Contains("A64.Soc.g.cs", Sources.Value.Keys);
        Assert.Contains("H3.Soc.g.cs", Sources.Value.Keys);
        Assert.Contains("QemuVirt.Soc.g.cs", Sources.Value.Keys);
        Assert.Contains("Axp803.g.cs", Sources.Value.Keys);
        Assert.Contains("Board.pine64-plus.g.cs", Sources.Value.Keys);
    }

    [Theory]
    [MemberData(nameof(GeneratedFiles))]
    public void Generated_code_matches_the_approved_file(string hintName)
    {
        string received = Sources.Value[hintName];
        string approvedPath = Path.Combine(Approved, hintName + ".approved.txt");
        string receivedPath = Path.Combine(Approved, hintName + ".received.txt");
        if (Environment.GetEnvironmentVariable("UNIKERNEL_APPROVE") == "1")
        {
            Directory.CreateDirectory(Approved);
            File.WriteAllText(approvedPath, received);
            File.Delete(receivedPath);
            return;
        }
        Assert.True(File.Exists(approvedPath), $"no approved file {approvedPath}: review the generated code and run the tests with UNIKERNEL_APPROVE=1");
        string approved = File.ReadAllText(approvedPath);
        if (approved == received)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        var approvedLines = approved.Split('\n');
        var receivedLines = received.Split('\n');
        int line = 0;
        while (line < Math.Min(approvedLines.Length, receivedLines.Length) && approvedLines[line] == receivedLines[line])
            line++;
        Assert.Fail($"{hintName} differs from {approvedPath} at line {line + 1}:\n  approved: {approvedLines.ElementAtOrDefault(line)}\n  received: {receivedLines.ElementAtOrDefault(line)}\n" +
            $"The new code is in {receivedPath}; if the change is intended, run with UNIKERNEL_APPROVE=1.");
    }
}
