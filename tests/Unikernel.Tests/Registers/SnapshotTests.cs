using Unikernel.Tool;

namespace Unikernel.Tests.Registers;

/// <summary>
/// The generated code for every SoC, block, board and the PMIC, against approved files in
/// Registers/Approved/ that reviewers read in diffs (README, "Approved files").
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
    public void Generated_code_matches_the_approved_file(string hintName) =>
        ApprovedFile.Verify(Approved, hintName, Sources.Value[hintName]);
}
